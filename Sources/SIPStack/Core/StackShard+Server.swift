import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// A server transaction's machine and what the machine does not keep: the request, the last
/// response, the running timers (RFC 3261 §17.2).
final class ServerEntry {
    var machine: ServerMachine
    let request: SIPMessage
    let context: SIPMessageContext
    let key: ServerTransactionKey
    let isInvite: Bool
    var lastResponse: SIPMessage?
    var timers: TimerSet
    /// An INVITE without a final response yet: counted in the shard's `pendingInvites`.
    var awaitsFinal: Bool
    /// The source slot this transaction holds (StackShard+SourceLimit.swift).
    var sourceSlot: SourceKey?

    init(request: SIPMessage, context: SIPMessageContext, key: ServerTransactionKey, timers: TransactionTimers, sendsTrying: Bool) {
        self.request = request
        self.context = context
        self.key = key
        self.isInvite = request.method == .invite
        self.machine = ServerMachine(
            isInvite: isInvite, transport: context.transport.isReliable ? .reliable : .unreliable, timers: timers,
            sendsTrying: sendsTrying)
        self.timers = TimerSet()
        self.awaitsFinal = isInvite
    }
}

/// A 2xx to INVITE waiting for its ACK (§13.3.1.4).
final class SuccessEntry {
    let response: SIPMessage
    let cseq: UInt32
    let context: SIPMessageContext
    var schedule: SuccessRetransmission

    init(response: SIPMessage, cseq: UInt32, context: SIPMessageContext, schedule: SuccessRetransmission) {
        self.response = response
        self.cseq = cseq
        self.context = context
        self.schedule = schedule
    }
}

extension StackShard {
    /// §17.2.1: a 100 (Trying) when the TU has not answered the INVITE within `delay`.
    func scheduleTrying(for entry: ServerEntry, after delay: Duration) {
        timerWheel.schedule(after: delay) { [weak self, weak entry] in
            guard let self, let entry, entry.lastResponse == nil, self.servers[entry.key] === entry else { return }
            try? self.respond(entry: entry, response: entry.request.makeResponse(status: 100))
        }
    }

    func handle(for entry: ServerEntry) -> SIPServerTransaction {
        SIPServerTransaction(request: entry.request, context: entry.context, key: entry.key, shard: self)
    }

    /// The TU's response for the transaction `key` (on this loop).
    func respond(key: ServerTransactionKey, response: SIPMessage) throws(TransactionUsageError) {
        guard let entry = servers[key] else { throw .terminated }
        try respond(entry: entry, response: response)
    }

    func respond(entry: ServerEntry, response: SIPMessage) throws(TransactionUsageError) {
        guard let status = response.statusCode else { throw .invalidStatusCode(0) }
        let actions = try entry.machine.tuSendsResponse(statusCode: status)
        entry.lastResponse = response
        if status >= 200 {
            settlePending(entry)
            releaseSourceSlot(entry, finalStatus: status)
        }
        perform(actions, for: entry)
        if entry.isInvite, (200...299).contains(status), !entry.context.transport.isReliable {
            startSuccessRetransmission(response, context: entry.context)
        }
    }

    /// Runs a server machine's actions in order.
    func perform(
        _ actions: TransactionActions<ServerTransactionAction>, for entry: ServerEntry,
        ack: SIPInboundMessage? = nil, passUpRequest: Bool = true
    ) {
        for action in actions {
            switch action {
            case .sendResponse, .retransmitLastResponse:
                if let response = entry.lastResponse { send(response, for: entry) }
            case .sendTrying:
                let trying = entry.request.makeResponse(status: 100)
                entry.lastResponse = trying
                send(trying, for: entry)
            case .passUp(.request):
                counters.serverTransactions += 1
                if passUpRequest { user.request(handle(for: entry)) }
            case .passUp(.ack):
                if let ack { deliverSuccessAck(ack) }
            case .passUp(.cancel):
                user.cancel(handle(for: entry))
            case .passUp(.timeout), .passUp(.transportError):
                break
            case .startTimer(let timer, let delay):
                entry.timers.start(timer, after: delay, on: timerWheel) { [weak self, weak entry] generation in
                    guard let self, let entry, entry.timers.fire(timer, generation: generation) else { return }
                    self.perform(entry.machine.timerFired(timer), for: entry)
                }
            case .cancelTimer(let timer):
                entry.timers.cancel(timer, on: timerWheel)
            case .terminate:
                settlePending(entry)
                releaseSourceSlot(entry)
                entry.timers.cancelAll(on: timerWheel)
                if servers[entry.key] === entry { servers[entry.key] = nil }
            }
        }
    }

    /// The INVITE has its final response (or is gone): it no longer counts as pending.
    func settlePending(_ entry: ServerEntry) {
        guard entry.awaitsFinal else { return }
        entry.awaitsFinal = false
        pendingInvites -= 1
    }

    private func send(_ response: SIPMessage, for entry: ServerEntry) {
        let key = entry.key
        transport.sendResponse(response, for: entry.context).whenFailure { [self] _ in
            eventLoop.execute { [self] in
                guard let entry = servers[key] else { return }
                perform(entry.machine.transportError(), for: entry)
            }
        }
    }

    private func startSuccessRetransmission(_ response: SIPMessage, context: SIPMessageContext) {
        guard let callID = response.callIDBytes, let cseq = response.cseqNumber else { return }
        let key = callID
        let pending = SuccessEntry(
            response: response, cseq: cseq, context: context, schedule: SuccessRetransmission(timers: configuration.timers))
        pendingSuccesses[key] = pending
        scheduleSuccess(pending, key: key, after: configuration.timers.t1)
    }

    private func scheduleSuccess(_ pending: SuccessEntry, key: ArraySlice<UInt8>, after delay: Duration) {
        // A replaced or acknowledged entry's task fires and finds itself gone from the table
        // (its timer is never cancelled).
        timerWheel.schedule(after: delay) { [weak self, weak pending] in
            guard let self, let pending, self.pendingSuccesses[key] === pending else { return }
            guard let next = pending.schedule.fired() else {
                // §13.3.1.4: no ACK within 64·T1; the dialog layer ends the session.
                self.counters.unacknowledgedSuccesses += 1
                self.pendingSuccesses[key] = nil
                return
            }
            self.counters.successRetransmissions += 1
            self.transport.sendResponse(pending.response, for: pending.context).whenFailure { _ in }
            self.scheduleSuccess(pending, key: key, after: next)
        }
    }
}

extension TimeAmount {
    /// A `Duration` as a `TimeAmount` (nanosecond precision).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
