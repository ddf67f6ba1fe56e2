import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

extension StackShard {
    /// §17.2.1: a 100 (Trying) when the TU has not answered the INVITE within `delay`; the TU's
    /// first response (or the end of the transaction) cancels it.
    func scheduleTrying(for entry: ServerEntry, after delay: Duration) {
        entry.tryingTimer = timerWheel.schedule(after: delay) { [weak self, weak entry] in
            guard let self, let entry else { return }
            entry.tryingTimer = nil
            guard !entry.hasResponded, let request = entry.request, self.servers[entry.key] === entry else { return }
            try? self.respond(entry: entry, response: request.makeResponse(status: 100))
        }
    }

    /// Cancels the pending 100 (Trying), if any.
    func cancelTrying(_ entry: ServerEntry) {
        guard let timer = entry.tryingTimer else { return }
        entry.tryingTimer = nil
        timerWheel.cancel(timer)
    }

    /// The TU's handle; nil once the request is dropped (it is kept until a final response).
    func handle(for entry: ServerEntry) -> SIPServerTransaction? {
        entry.request.map { SIPServerTransaction(request: $0, context: entry.context, key: entry.key, shard: self) }
    }

    /// The TU's response for the transaction `key` (on this loop).
    func respond(key: ServerTransactionKey, response: SIPMessage) throws(TransactionUsageError) {
        guard let entry = servers[key] else { throw .terminated }
        try respond(entry: entry, response: response)
    }

    func respond(entry: ServerEntry, response: SIPMessage) throws(TransactionUsageError) {
        guard let status = response.statusCode else { throw .invalidStatusCode(0) }
        let actions = try entry.machine.tuSendsResponse(statusCode: status)
        cancelTrying(entry)
        entry.remember(response)
        if status >= 200 {
            settlePending(entry)
            releaseSourceSlot(entry, finalStatus: status)
        }
        perform(actions, for: entry, response: response)
        if entry.isInvite, (200...299).contains(status), !entry.context.transport.isReliable {
            startSuccessRetransmission(response, context: entry.context)
        }
    }

    /// Runs a server machine's actions in order (`response` is the TU's response being sent),
    /// then drops what the new state no longer needs (``ServerEntry/trim()``).
    func perform(
        _ actions: TransactionActions<ServerTransactionAction>, for entry: ServerEntry,
        response: SIPMessage? = nil, ack: SIPInboundMessage? = nil, passUpRequest: Bool = true
    ) {
        defer { entry.trim() }
        for action in actions {
            switch action {
            case .sendResponse:
                if let response { send(response, for: entry) }
            case .retransmitLastResponse:
                retransmitLastResponse(of: entry)
            case .sendTrying:
                guard let request = entry.request else { break }
                let trying = request.makeResponse(status: 100)
                entry.remember(trying)
                send(trying, for: entry)
            case .passUp(.request):
                counters.serverTransactions += 1
                if passUpRequest, let handle = handle(for: entry) { user.request(handle) }
            case .passUp(.ack):
                if let ack { deliverSuccessAck(ack) }
            case .passUp(.cancel):
                if let handle = handle(for: entry) { user.cancel(handle) }
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
                cancelTrying(entry)
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

    /// §17.2.1, §17.2.2: the most recent response again — the kept provisional in Proceeding,
    /// the final response's bytes in Completed (parsed back for the transport, which routes by
    /// the top Via and may trace the message: a retransmission is rare, the bytes are the same).
    private func retransmitLastResponse(of entry: ServerEntry) {
        switch entry.retained {
        case .request(_, let last?):
            send(last, for: entry)
        case .finalResponse(let bytes):
            guard let response = try? SIPParser().parse(bytes) else { return }
            send(response, for: entry)
        case .request(_, nil), .keyOnly:
            break
        }
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
        stopSuccessRetransmission(callID: key)
        pendingSuccesses[key] = pending
        scheduleSuccess(pending, key: key, after: configuration.timers.t1)
    }

    /// Forgets the 2xx waiting for its ACK on `callID` and cancels its retransmission timer
    /// (§13.3.1.4: the ACK arrived, a BYE showed the UAC has the 2xx, or a new 2xx replaces it).
    func stopSuccessRetransmission(callID: ArraySlice<UInt8>) {
        guard let pending = pendingSuccesses.removeValue(forKey: callID) else { return }
        if let timer = pending.timer { timerWheel.cancel(timer) }
    }

    private func scheduleSuccess(_ pending: SuccessEntry, key: ArraySlice<UInt8>, after delay: Duration) {
        pending.timer = timerWheel.schedule(after: delay) { [weak self, weak pending] in
            guard let self, let pending, self.pendingSuccesses[key] === pending else { return }
            pending.timer = nil
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
