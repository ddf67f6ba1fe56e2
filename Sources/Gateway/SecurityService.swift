import DialPlan
import Foundation
import Logging
import NIOCore
import Registrar
import SIPCore
import SIPSecurity
import SIPStack
import SIPTransport
import Synchronization

/// What the admin API (and any other operator tool) may do with the toll-fraud defences:
/// list, add and lift bans, read the allow-list and the counters. ``SecurityService`` implements
/// it; `GatewayService.security` is the running one.
public protocol SecurityAdministration: Sendable {
    /// The active bans, ending soonest first.
    func activeBans() -> [Ban]
    /// Lifts the ban on `address` (an IPv4 or IPv6 address as text); whether one was active.
    func liftBan(_ address: String) throws(SecurityAdministrationError) -> Bool
    /// Bans `address` by hand for `duration`; nil when the address is allow-listed.
    func ban(_ address: String, for duration: Duration) throws(SecurityAdministrationError) -> Ban?
    /// The networks never rate limited nor banned: the configuration's and the dial plan's.
    func allowList() -> [AddressPrefix]
    /// Requests allowed, dropped and rejected, and bans issued, since the start.
    func counters() -> SecurityPolicy.Counters
}

/// Why an administration call failed.
public enum SecurityAdministrationError: Error, Hashable, CustomStringConvertible {
    /// The text is not an IP address.
    case notAnAddress(String)
    /// The ban changed in memory but could not be saved (it is lost on restart).
    case store(String)

    public var description: String {
        switch self {
        case .notAnAddress(let text): "'\(text)' is not an IPv4 or IPv6 address"
        case .store(let message): "the ban store could not be written: \(message)"
        }
    }
}

/// The toll-fraud front door of the running gateway (INTEROP.md, "Toll fraud and scanners"): the
/// stack's inbound filter (scanner drop, per-source rate limit, bans), the registrar's report of
/// digest failures, bans kept in `security.sqlite` in the data directory, and an allow-list that
/// follows the dial plan (trunk `allow` networks, trunks addressed by IP, source-authenticated
/// endpoints such as doors).
@available(macOS 15.0, *)
public final class SecurityService: SecurityAdministration, Sendable {
    public let policy: SharedSecurityPolicy
    public let store: SQLiteBanStore
    let configuration: GatewayConfiguration.Security
    let dialPlans: DialPlanStore
    let logger: Logger
    /// The dial-plan version whose sources are in the allow-list.
    private let allowListVersion: Atomic<Int>

    /// Opens the ban store in `dataDirectory` (which must exist) and restores its bans.
    public init(configuration: GatewayConfiguration.Security, dialPlans: DialPlanStore, dataDirectory: String,
                logger: Logger) throws {
        self.configuration = configuration
        self.dialPlans = dialPlans
        self.logger = logger
        store = try SQLiteBanStore(dataDirectory: dataDirectory)
        let version = dialPlans.current
        allowListVersion = Atomic(version.number)
        let policyConfiguration = configuration.policyConfiguration(extraAllow: Self.allowList(from: version.plan))
        policy = try SharedSecurityPolicy(configuration: policyConfiguration, store: store) { [logger] ban, storeError in
            logger.notice("banned \(ban.source) until \(ban.until) (\(ban.reason.rawValue))")
            if let storeError { logger.error("cannot save the ban of \(ban.source): \(storeError)") }
        }
        let restored = policy.activeBans()
        if !restored.isEmpty { logger.notice("\(restored.count) ban(s) restored from \(store.path)") }
        // The store drops what did not come back: expired bans, sources allow-listed since.
        do { try policy.persist() } catch { logger.error("cannot save the bans: \(error)") }
    }

    /// The filter for `SIPStackConfiguration.inboundFilter`.
    public var inboundFilter: SIPInboundFilter {
        { [self] request, context in verdict(for: request, context: context) }
    }

    func verdict(for request: SIPMessage, context: SIPMessageContext, now: Date = Date()) -> SIPInboundVerdict {
        syncAllowListIfNeeded()
        guard let source = SourceAddress(context.source) else { return .accept }
        switch policy.inspect(request, source: source, now: now) {
        case .allow: return .accept
        case .dropSilently: return .drop
        case .reject(let status, _): return .reject(status: status)
        }
    }

    /// Reports a digest outcome from `source`: a failure (wrong password or unknown user) counts
    /// towards a ban; a success clears the count; a challenge (the normal first 401/407 of every
    /// login, RFC 3261 §22.2) and a stale nonce never count.
    public func reportAuthentication(_ outcome: DigestAuthenticator.Outcome, from source: SocketAddress, now: Date = Date()) {
        guard let address = SourceAddress(source) else { return }
        switch outcome {
        case .failed: policy.recordAuthenticationFailure(from: address, now: now)
        case .authenticated: policy.recordAuthenticationSuccess(from: address)
        case .challenge, .stale: break
        }
    }

    /// Drops expired bans and saves the rest; the gateway calls it every minute.
    public func removeExpired(now: Date = Date()) {
        policy.removeExpired(now: now)
        do { try policy.persist(now: now) } catch { logger.error("cannot save the bans: \(error)") }
    }

    /// Applies the dial plan's sources to the allow-list when a new plan version is running.
    func syncAllowListIfNeeded() {
        let version = dialPlans.current
        guard allowListVersion.exchange(version.number, ordering: .relaxed) != version.number else { return }
        let list = configuration.allow + Self.allowList(from: version.plan)
        do { try policy.replaceAllowList(list) } catch { logger.error("cannot save the bans: \(error)") }
        logger.info("security allow-list: \(list.count) network(s) for dial plan version \(version.number)")
    }

    /// Trunk `allow` networks, trunks whose server is an IP address, and endpoints authenticated
    /// by source address (doors, IP phones without digest).
    static func allowList(from plan: DialPlan) -> [AddressPrefix] {
        var networks: [IPNetwork] = []
        for trunk in plan.trunks.values {
            networks += trunk.allow
            if let server = IPNetwork(trunk.server) { networks.append(server) }
        }
        for endpoint in plan.endpoints.values {
            if case .source(let sources) = endpoint.authentication { networks += sources }
        }
        var seen = Set<String>()
        return networks.compactMap { network in
            guard let prefix = AddressPrefix("\(network.address)/\(network.prefixLength)"),
                  seen.insert(prefix.description).inserted else { return nil }
            return prefix
        }.sorted { $0.description < $1.description }
    }

    // MARK: SecurityAdministration

    public func activeBans() -> [Ban] { policy.activeBans() }

    public func liftBan(_ address: String) throws(SecurityAdministrationError) -> Bool {
        guard let source = SourceAddress(address) else { throw .notAnAddress(address) }
        do {
            let lifted = try policy.lift(source)
            if lifted { logger.notice("ban on \(source) lifted") }
            return lifted
        } catch { throw .store("\(error)") }
    }

    public func ban(_ address: String, for duration: Duration) throws(SecurityAdministrationError) -> Ban? {
        guard let source = SourceAddress(address) else { throw .notAnAddress(address) }
        do {
            let ban = try policy.ban(source, for: duration)
            if let ban { logger.notice("banned \(source) until \(ban.until) (manual)") }
            return ban
        } catch { throw .store("\(error)") }
    }

    public func allowList() -> [AddressPrefix] {
        syncAllowListIfNeeded()
        return policy.allowList
    }

    public func counters() -> SecurityPolicy.Counters { policy.counters }
}

extension SourceAddress {
    /// The IP address of a socket address; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291
    /// §2.5.5.2, what a dual-stack listener sees) becomes the IPv4 address, so bans and the
    /// allow-list match either way. Nil for a Unix socket.
    init?(_ socket: SocketAddress) {
        switch socket {
        case .v4(let address):
            let bytes = withUnsafeBytes(of: address.address.sin_addr) { Array($0) }
            self.init(bytes: bytes)
        case .v6(let address):
            let bytes = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            let mapped = bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
            self.init(bytes: mapped ? Array(bytes.suffix(4)) : bytes)
        case .unixDomainSocket:
            return nil
        }
    }
}

@available(macOS 15.0, *)
extension GatewayService {
    /// `hooks` with INVITE digest outcomes also reported to the ban list, as REGISTER's are: a
    /// wrong credential counts towards a ban, a digest success clears the count, the 407
    /// challenge never counts (RFC 3261 §22.2: every login starts with one).
    static func reportingIdentification(_ hooks: CallService.Hooks, to security: SecurityService) -> CallService.Hooks {
        var reporting = hooks
        let next = hooks.identified
        reporting.identified = { identification, context in
            if let source = SourceAddress(context.source) {
                switch identification {
                case .failed: security.policy.recordAuthenticationFailure(from: source)
                case .endpoint(_, byDigest: true): security.policy.recordAuthenticationSuccess(from: source)
                case .endpoint, .trunk, .challenge: break
                }
            }
            next?(identification, context)
        }
        return reporting
    }
}
