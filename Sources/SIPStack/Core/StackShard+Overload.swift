import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

extension StackShard {
    /// Feeds the overload guard one message's queue delay (from the transport's read to now)
    /// and the receive-queue fill the transport saw.
    func observeLoad(_ context: SIPMessageContext) {
        let now = NIODeadline.now()
        let waited = now - context.receivedAt
        overload.observe(queueDelay: .nanoseconds(waited.nanoseconds), receiveBacklog: context.receiveBacklog,
                         at: .nanoseconds(Int64(clamping: now.uptimeNanoseconds)))
    }

    /// A new INVITE (no To tag, no transaction): false when it was answered 503 + Retry-After
    /// (RFC 3261 §21.5.4) without creating anything. A retransmission of a refused INVITE gets
    /// the same answer whatever the load is now: its caller already has the 503.
    func admitInvite(_ inbound: SIPInboundMessage, key: ServerTransactionKey) -> Bool {
        let retryAfter: Int
        if overloadRejectedInvites.contains(key) {
            retryAfter = configuration.overload.retryAfter
            counters.overloadRejectedRetransmissions += 1
        } else {
            guard overload.isActive,
                  case .reject(let seconds, let signal) = overload.admitInvite(pendingInvites: pendingInvites)
            else { return true }
            retryAfter = seconds
            overloadRejectedInvites.insert(key)
            switch signal {
            case .queueDelay: counters.overloadRejectsQueueDelay += 1
            case .receiveBacklog: counters.overloadRejectsReceiveBacklog += 1
            case .pendingInvites: counters.overloadRejectsPendingInvites += 1
            }
        }
        // §8.2.7 (stateless UAS): the same To tag for every retransmission of the request.
        let tag = "ov" + String(UInt(bitPattern: key.hashValue), radix: 36)
        var response = inbound.message.makeResponse(status: 503, toTag: tag)
        response.headers.append(.retryAfter, value: String(retryAfter))
        // RFC 3326 with the Q.850 cause the call layer gives congestion (42, RFC 3398 §8.2.6.1).
        response.headers.append(.reason, value: Self.congestionReason)
        transport.sendResponse(response, for: inbound.context).whenFailure { _ in }
        return false
    }

    static let congestionReason = "Q.850;cause=42;text=\"Switching equipment congestion\""
}
