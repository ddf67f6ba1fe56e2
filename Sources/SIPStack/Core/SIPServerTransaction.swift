import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// A server transaction as the transaction user holds it: the request, where it came from, and
/// a way to answer. Cheap to copy; answering from any thread hops to the owning event loop.
public struct SIPServerTransaction: Sendable {
    /// The request that created the transaction (its top Via carries received/rport).
    public let request: SIPMessage
    /// How it arrived.
    public let context: SIPMessageContext
    let key: ServerTransactionKey
    let shard: StackShard

    /// The event loop that owns this transaction (and its Call-ID).
    public var eventLoop: any EventLoop { shard.eventLoop }

    /// Sends `response` through the transaction (RFC 3261 §17.2). A 2xx to INVITE over UDP is
    /// retransmitted by the stack until the ACK arrives (§13.3.1.4).
    ///
    /// - Throws: ``TransactionUsageError`` when called on the owning loop and the transaction's
    ///   state forbids the response; from other threads the error is dropped after the hop.
    public func respond(_ response: SIPMessage) throws(TransactionUsageError) {
        if shard.eventLoop.inEventLoop {
            try shard.respond(key: key, response: response)
        } else {
            let (shard, key) = (self.shard, self.key)
            shard.eventLoop.execute { try? shard.respond(key: key, response: response) }
        }
    }

    /// Answers with `status` built from the request (§8.2.6), adding `headers` and `body`.
    public func respond(
        status: Int, reason: String? = nil, toTag: String? = nil, headers: [(HeaderName, String)] = [], body: [UInt8] = []
    ) throws(TransactionUsageError) {
        let base = request.makeResponse(status: status, reason: reason, toTag: toTag)
        guard let statusLine = base.statusLine else { throw .invalidStatusCode(status) }
        var fields = base.headers
        for (name, value) in headers { fields.append(name, value: value) }
        try respond(SIPMessage(response: statusLine, headers: fields, body: body))
    }
}
