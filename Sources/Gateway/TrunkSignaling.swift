import DialPlan
import SIPCore
import SIPStack
import SIPTransport

/// How ``TrunkService`` reaches a carrier: one non-INVITE request in a client transaction to the
/// trunk's server, with RFC 3263 failover. The gateway uses ``StackTrunkSignaling``; tests give a
/// scripted carrier.
public protocol TrunkSignaling: Sendable {
    /// Sends `request` to `trunk`'s server and returns the final outcome.
    func send(_ request: SIPMessage, to trunk: Trunk) async -> SIPClientEvent
    /// The host and port to write in our Contact for `trunk` (`192.0.2.1:5060`).
    func contactHost(for trunk: Trunk) -> String
}

/// ``TrunkSignaling`` over the running ``SIPStack``: resolves the trunk's server with
/// ``RFC3263Resolver`` (RFC 3263 §4: NAPTR, SRV, A/AAAA; an explicit port or an IP literal skips
/// to the address) and tries the targets in order (§4.3).
public struct StackTrunkSignaling: TrunkSignaling {
    let stack: SIPStack
    let resolver: RFC3263Resolver

    /// Creates the adapter.
    public init(stack: SIPStack, resolver: RFC3263Resolver) {
        self.stack = stack
        self.resolver = resolver
    }

    public func send(_ request: SIPMessage, to trunk: Trunk) async -> SIPClientEvent {
        guard let uri = trunk.serverURI else { return .transportError }
        let targets: [ResolvedTarget]
        do { targets = try await resolver.resolve(uri) } catch { return .transportError }
        return await stack.finalResponse(to: request, trying: targets).0
    }

    public func contactHost(for trunk: Trunk) -> String {
        let transport = SIPTransportProtocol(name: trunk.transport.rawValue) ?? .udp
        return stack.configuration.sentBy[transport] ?? stack.configuration.sentBy.values.first ?? "127.0.0.1"
    }
}

extension Trunk {
    /// `sip:server[:port][;transport=tcp]`: what RFC 3263 resolution starts from.
    public var serverURIText: String {
        let host = server.contains(":") && !server.hasPrefix("[") ? "[\(server)]" : server
        var text = "sip:\(host)"
        if let port { text += ":\(port)" }
        if transport != .udp { text += ";transport=\(transport.rawValue)" }
        return text
    }

    /// ``serverURIText`` parsed; nil when the server is not a valid host.
    public var serverURI: SIPURI? { (try? URI(parsing: serverURIText))?.sipURI }
}
