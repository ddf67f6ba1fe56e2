import SIPCore

/// The message size rule of RFC 3261 §18.1.1: "If a request is within 200 bytes of the path
/// MTU, or if it is larger than 1300 bytes and the path MTU is unknown, the request MUST be sent
/// using an RFC 2914 congestion controlled transport protocol, such as TCP. [...] If the
/// request is sent over TCP because of message size constraints, and the attempt to establish
/// the connection generates either an ICMP Protocol Not Supported, or results in a TCP reset,
/// the element SHOULD retry the request, using UDP."
///
/// Responses are not moved (§18.2.2 sends them as the request came).
public struct SIPRequestSizeRule: Hashable, Sendable {
    /// The size at or above which, with an unknown path MTU, a request leaves UDP.
    public static let unknownMTUThreshold = 1_300
    /// How close to the path MTU a request may come over UDP.
    public static let mtuMargin = 200

    /// The path MTU when known (from configuration); nil for the RFC's unknown-MTU rule.
    public var pathMTU: Int?

    public init(pathMTU: Int? = nil) { self.pathMTU = pathMTU }

    /// The transport decision for a request.
    public enum Decision: Hashable, Sendable {
        /// Send over the transport chosen by target resolution.
        case keep
        /// Send over TCP instead of UDP, rewriting the top Via's transport to TCP (§18.1.1);
        /// retry over UDP if the connection is refused or reset.
        case switchToTCP
    }

    /// The decision for a request of `size` bytes that target resolution put on `transport`.
    /// `peerSupportsTCP` is false when the target was resolved for UDP only (for example an
    /// explicit `transport=udp` with no TCP listener known at the peer): the request then stays
    /// on UDP.
    public func decision(
        requestSize size: Int, transport: SIPTransportProtocol, peerSupportsTCP: Bool = true
    ) -> Decision {
        guard transport == .udp, peerSupportsTCP else { return .keep }
        let limit = pathMTU.map { $0 - Self.mtuMargin } ?? Self.unknownMTUThreshold
        return size > limit ? .switchToTCP : .keep
    }

    /// The decision for `request` as it would be serialized now.
    public func decision(
        for request: SIPMessage, transport: SIPTransportProtocol, peerSupportsTCP: Bool = true
    ) -> Decision {
        decision(requestSize: request.serialized().count, transport: transport, peerSupportsTCP: peerSupportsTCP)
    }

    /// Rewrites the transport of `request`'s top Via (§18.1.1: "If this causes a change in the
    /// transport protocol from the one indicated in the top Via, the value in the top Via MUST
    /// be changed.").
    public static func setTopViaTransport(_ request: inout SIPMessage, to transport: SIPTransportProtocol) throws(SIPGrammarError) {
        guard var via = try request.topVia, via.transport.uppercased() != transport.viaName,
            let index = request.headers.firstIndex(of: .via)
        else { return }
        via.transport = transport.viaName
        SIPViaReceipt.replaceTopVia(of: &request, at: index, with: via)
    }
}
