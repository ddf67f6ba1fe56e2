import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// A server transaction's machine and what the machine does not keep: the request and last
/// response while they are needed, the running timers (RFC 3261 §17.2).
///
/// Once the machine reaches its terminal wait (Completed, Confirmed, Accepted: up to 64·T1) the
/// entry drops the parsed messages (``trim()``): Completed keeps the final response's bytes to
/// answer a retransmitted request with the same bytes (§17.2.1, §17.2.2), the others only the key.
final class ServerEntry {
    var machine: ServerMachine
    let context: SIPMessageContext
    let key: ServerTransactionKey
    let isInvite: Bool
    /// What the machine's state still needs (``ServerTransactionRetention``).
    private(set) var retained: Retained
    var timers: TimerSet
    /// The 100 (Trying) scheduled when the TU may be slow (§17.2.1), cancelled by its response.
    var tryingTimer: TimerHandle?
    /// An INVITE without a final response yet: counted in the shard's `pendingInvites`.
    var awaitsFinal: Bool
    /// The source slot this transaction holds (StackShard+SourceLimit.swift).
    var sourceSlot: SourceKey?

    /// The messages an entry holds, by ``ServerTransactionRetention``.
    enum Retained {
        /// Trying / Proceeding: the request and the last response sent (a provisional).
        case request(SIPMessage, lastResponse: SIPMessage?)
        /// Completed: the final response as serialized, for retransmissions.
        case finalResponse([UInt8])
        /// Confirmed, Accepted, Terminated: nothing but the key.
        case keyOnly
    }

    init(request: SIPMessage, context: SIPMessageContext, key: ServerTransactionKey, timers: TransactionTimers, sendsTrying: Bool) {
        self.retained = .request(request, lastResponse: nil)
        self.context = context
        self.key = key
        self.isInvite = request.method == .invite
        self.machine = ServerMachine(
            isInvite: isInvite, transport: context.transport.isReliable ? .reliable : .unreliable, timers: timers,
            sendsTrying: sendsTrying)
        self.timers = TimerSet()
        self.awaitsFinal = isInvite
    }

    /// The request, while the machine still needs it (Trying, Proceeding).
    var request: SIPMessage? {
        if case .request(let request, _) = retained { return request }
        return nil
    }

    /// True once any response was sent (or the messages are already dropped).
    var hasResponded: Bool {
        if case .request(_, let last) = retained { return last != nil }
        return true
    }

    /// Keeps `response` as the last response sent, while the request is kept.
    func remember(_ response: SIPMessage) {
        if case .request(let request, _) = retained { retained = .request(request, lastResponse: response) }
    }

    /// Drops what the machine's state no longer needs: in Completed the final response becomes
    /// its bytes, in Confirmed / Accepted / Terminated everything goes.
    func trim() {
        switch (machine.retention, retained) {
        case (.request, _), (.finalResponse, .finalResponse), (.keyOnly, .keyOnly):
            return
        case (.finalResponse, .request(_, let last)):
            retained = last.map { .finalResponse($0.serialized()) } ?? .keyOnly
        case (.finalResponse, .keyOnly), (.keyOnly, _):
            retained = .keyOnly
        }
    }
}

/// A 2xx to INVITE waiting for its ACK (§13.3.1.4).
final class SuccessEntry {
    let response: SIPMessage
    let cseq: UInt32
    let context: SIPMessageContext
    var schedule: SuccessRetransmission
    /// The next retransmission, cancelled when the ACK (or a BYE) arrives or a new 2xx replaces it.
    var timer: TimerHandle?

    init(response: SIPMessage, cseq: UInt32, context: SIPMessageContext, schedule: SuccessRetransmission) {
        self.response = response
        self.cseq = cseq
        self.context = context
        self.schedule = schedule
    }
}
