import SIPCore
import SIPTransport

/// The transaction user's side of the stack: callbacks run on the event loop that owns the
/// Call-ID (no hop, no lock). ``stream(bufferingNewest:)`` adapts them to an `AsyncStream`.
public struct SIPTransactionUser: Sendable {
    /// A new request created a server transaction; answer it with
    /// ``SIPServerTransaction/respond(_:)``.
    public var request: @Sendable (SIPServerTransaction) -> Void
    /// A CANCEL matched this pending INVITE (RFC 3261 §9.2). The stack already answered the
    /// CANCEL 200; the TU answers the INVITE 487 (Request Terminated).
    public var cancel: @Sendable (SIPServerTransaction) -> Void
    /// An ACK that belongs to no transaction: the ACK for a 2xx (§13.3.1.4, §17.2.3). The stack
    /// has already stopped retransmitting that 2xx.
    public var ack: @Sendable (SIPInboundMessage) -> Void

    public init(
        request: @escaping @Sendable (SIPServerTransaction) -> Void,
        cancel: @escaping @Sendable (SIPServerTransaction) -> Void = { try? $0.respond(status: 487) },
        ack: @escaping @Sendable (SIPInboundMessage) -> Void = { _ in }
    ) {
        self.request = request
        self.cancel = cancel
        self.ack = ack
    }

    /// An event of the server side, as the async stream delivers it.
    public enum Event: Sendable {
        case request(SIPServerTransaction)
        case cancel(SIPServerTransaction)
        case ack(SIPInboundMessage)
    }

    /// A transaction user that forwards every event to an `AsyncStream`, and the stream. The
    /// stream keeps at most `limit` undelivered events (the oldest are dropped: a SIP peer
    /// retransmits).
    public static func stream(bufferingNewest limit: Int = 4096) -> (SIPTransactionUser, AsyncStream<Event>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(limit))
        let user = SIPTransactionUser(
            request: { continuation.yield(.request($0)) },
            cancel: { continuation.yield(.cancel($0)) },
            ack: { continuation.yield(.ack($0)) })
        return (user, stream)
    }
}
