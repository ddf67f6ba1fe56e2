import SIPCore
import SIPTransport

/// What an inbound filter (``SIPStackConfiguration/inboundFilter``) decides for a request, before
/// the stack matches it to a transaction or creates one.
public enum SIPInboundVerdict: Sendable, Hashable {
    /// Process the request as usual.
    case accept
    /// Forget the request: no response, no transaction (scanners, banned sources).
    case drop
    /// Answer statelessly with `status` (RFC 3261 §8.2.6, §16.3 style 4xx/5xx) and create no
    /// transaction; a retransmission gets the same answer. An ACK is never answered (§17.2.1): a
    /// reject of an ACK is a drop.
    case reject(status: Int, reason: String? = nil)
}

/// A filter run on every inbound request, on the receiving event loop; it must be fast and must
/// not block. It sees the parsed request and how it arrived.
public typealias SIPInboundFilter = @Sendable (SIPMessage, SIPMessageContext) -> SIPInboundVerdict
