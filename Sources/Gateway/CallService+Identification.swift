import B2BUA
import DialPlan
import Foundation
import Registrar
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallService {
    /// Who sends this INVITE (issue 6): a trunk by its source address (its `allow` networks, a
    /// server given as an IP address, or the resolved addresses of a server name), an endpoint by its source address, else an endpoint by
    /// digest on `Proxy-Authorization` with the registrar's authenticator (RFC 3261 §22.3: a
    /// 407 challenge with `Proxy-Authenticate`, then 403 for wrong credentials).
    public func identifyCaller(_ request: SIPMessage, context: SIPMessageContext, plan: DialPlan) -> CallerIdentification {
        if let ip = context.source.ipAddress.flatMap(IPAddress.init) {
            for trunk in plan.trunks.values.sorted(by: { $0.name < $1.name })
            where trunk.allow.contains(where: { $0.contains(ip) }) || IPAddress(trunk.server) == ip {
                return .trunk(trunk.name)
            }
            if let source = context.source.ipAddress, let name = trunkAddresses.withLock({ $0[source] }),
               plan.trunks[name] != nil {
                return .trunk(name)
            }
            if let endpoint = plan.endpoint(forSource: ip) { return .endpoint(endpoint.name, byDigest: false) }
        }
        let credentials = (try? request.proxyAuthorization) ?? []
        let requestURI = request.requestLine?.uriString
        let now = Int64(Date().timeIntervalSince1970)
        let (outcome, response): (DigestAuthenticator.Outcome, SIPMessage?) = registrar.authenticator.withLock { auth in
            let realm = auth.realm
            let outcome = auth.verify(credentials, method: "INVITE", requestURI: requestURI, now: now) { username in
                RegistrarService.secret(of: username, in: plan, realm: realm)
            }
            return (outcome, auth.response(to: request, outcome: outcome, now: now, proxy: true))
        }
        switch outcome {
        case .authenticated(let username, _):
            let endpoint = plan.endpoints.values.first { endpoint in
                if case .digest(let user, _, _) = endpoint.authentication { return user == username }
                return false
            }
            if let endpoint { return .endpoint(endpoint.name, byDigest: true) }
            return .failed(request.makeResponse(status: DigestAuthenticator.failureStatus,
                                                reason: DigestAuthenticator.failureReason), username: username)
        case .challenge, .stale:
            return .challenge(response ?? request.makeResponse(status: 407))
        case .failed:
            let username = credentials.first?.username
            return .failed(response ?? request.makeResponse(status: 403), username: username)
        }
    }

    /// The contacts to ring per endpoint named in `decision`, and where to send to each: the
    /// registration's source address and transport (NAT, RFC 3261 §10.3 / RFC 5626 style), or
    /// for an endpoint identified by a single source address, that address on port 5060.
    ///
    /// An endpoint with `transport: tls`, a `sips:` contact, or a call whose Request-URI was
    /// `sips:` (`secureCall`) gets only contacts registered over TLS (``TransportPolicy``).
    func contacts(for decision: RoutingDecision, plan: DialPlan, secureCall: Bool = false)
        -> (contacts: [String: [String]], targets: [String: SIPTransportTarget]) {
        let names = Set(decision.attempts.flatMap { $0.legs.filter { $0.kind == .endpoint }.map(\.target) })
        guard !names.isEmpty else { return ([:], [:]) }
        let now = Int64(Date().timeIntervalSince1970)
        let all = (try? bindings.allBindings(now: now)) ?? []
        var contacts: [String: [String]] = [:]
        var targets: [String: SIPTransportTarget] = [:]
        for name in names.sorted() {
            guard let endpoint = plan.endpoints[name] else { continue }
            var users: Set<String> = [endpoint.name, endpoint.number]
            if case .digest(let user, _, _) = endpoint.authentication { users.insert(user) }
            for binding in all where users.contains(Self.user(ofAOR: binding.aor)) {
                let transport = SIPTransportProtocol(rawValue: binding.source.transport.uppercased()) ?? .udp
                guard TransportPolicy.allows(contact: binding.contact, registeredOver: transport, endpoint: endpoint,
                                             secureCall: secureCall) else { continue }
                contacts[name, default: []].append(binding.contact)
                if !binding.source.address.isEmpty,
                   let target = try? SIPTransportTarget(host: binding.source.address, port: binding.source.port,
                                                        transport: transport) {
                    targets[binding.contact] = target
                }
            }
            // A device known by its address is reached over UDP: never for a TLS-only call.
            if contacts[name] == nil, endpoint.transport != .tls, !secureCall, case .source(let networks) = endpoint.authentication {
                for network in networks where network.prefixLength == 32 || network.prefixLength == 128 {
                    let host = network.address.description
                    let contact = host.contains(":") ? "sip:\(endpoint.number)@[\(host)]" : "sip:\(endpoint.number)@\(host)"
                    contacts[name, default: []].append(contact)
                    if let target = try? SIPTransportTarget(host: host, port: 5060, transport: .udp) { targets[contact] = target }
                }
            }
        }
        return (contacts, targets)
    }

    /// `alice` of `sip:alice@host`.
    static func user(ofAOR aor: String) -> String {
        guard let colon = aor.firstIndex(of: ":") else { return aor }
        let rest = aor[aor.index(after: colon)...]
        return String(rest.split(separator: "@", maxSplits: 1).first ?? rest)
    }
}
