import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// A client transaction's machine with the request, the target, the ACK it built and its
/// timers (RFC 3261 §17.1).
final class ClientEntry {
    var machine: ClientMachine
    let request: SIPMessage
    let target: SIPTransportTarget
    let key: ClientTransactionKey
    var lastResponse: SIPMessage?
    var ack: SIPMessage?
    var timers = TimerSet()
    let onEvent: @Sendable (SIPClientEvent) -> Void
    /// The UDP request and target to fall back to when a request moved to TCP by the §18.1.1
    /// size rule cannot be sent ("the element SHOULD retry the request, using UDP").
    let udpFallback: Fallback?

    struct Fallback: Sendable {
        let request: SIPMessage
        let target: SIPTransportTarget
    }

    init(request: SIPMessage, target: SIPTransportTarget, key: ClientTransactionKey, timers: TransactionTimers,
         udpFallback: Fallback?, onEvent: @escaping @Sendable (SIPClientEvent) -> Void) {
        self.request = request
        self.target = target
        self.key = key
        self.udpFallback = udpFallback
        self.onEvent = onEvent
        self.machine = ClientMachine(
            isInvite: request.method == .invite, transport: target.transport.isReliable ? .reliable : .unreliable, timers: timers)
    }
}

extension StackShard {
    /// Starts a client transaction for `request` (which already carries our Via).
    func startClient(
        _ request: SIPMessage, to target: SIPTransportTarget, udpFallback: ClientEntry.Fallback? = nil,
        onEvent: @escaping @Sendable (SIPClientEvent) -> Void
    ) {
        guard let key = ClientTransactionKey(request: request) else {
            onEvent(.transportError)
            return
        }
        let entry = ClientEntry(
            request: request, target: target, key: key, timers: configuration.timers, udpFallback: udpFallback,
            onEvent: onEvent)
        clients[key] = entry
        counters.clientTransactions += 1
        perform(entry.machine.start(), for: entry)
    }

    /// Sends a CANCEL for the INVITE transaction `key` (§9.1): only once a provisional response
    /// arrived; the CANCEL is its own non-INVITE transaction to the same target.
    func cancelClient(
        _ key: ClientTransactionKey, headers extra: [(HeaderName, String)] = [],
        onEvent: @escaping @Sendable (SIPClientEvent) -> Void
    ) {
        guard let entry = clients[key], case .invite = entry.machine,
            var cancel = SIPMessage.makeCancel(for: entry.request)
        else {
            onEvent(.final(SIPMessage(response: SIPStatusLine(statusCode: 481, reason: "Call/Transaction Does Not Exist"))))
            return
        }
        for (name, value) in extra { cancel.headers.append(name, value: value) }
        perform(entry.machine.cancelSent(), for: entry)
        startClient(cancel, to: entry.target, onEvent: onEvent)
    }

    /// Runs a client machine's actions in order.
    func perform(_ actions: TransactionActions<ClientTransactionAction>, for entry: ClientEntry) {
        for action in actions {
            switch action {
            case .sendRequest, .retransmitRequest:
                send(entry.request, for: entry)
            case .sendAck:
                if let response = entry.lastResponse, let ack = SIPMessage.makeACK(for: entry.request, response: response) {
                    entry.ack = ack
                    send(ack, for: entry)
                }
            case .retransmitAck:
                if let ack = entry.ack { send(ack, for: entry) }
            case .passUp(.response):
                guard let response = entry.lastResponse, let status = response.statusCode else { break }
                entry.onEvent(status < 200 ? .provisional(response) : .final(response))
            case .passUp(.timeout):
                entry.onEvent(.timeout)
            case .passUp(.transportError):
                entry.onEvent(.transportError)
            case .startTimer(let timer, let delay):
                entry.timers.start(timer, after: delay, on: timerWheel) { [weak self, weak entry] generation in
                    guard let self, let entry, entry.timers.fire(timer, generation: generation) else { return }
                    self.perform(entry.machine.timerFired(timer), for: entry)
                }
            case .cancelTimer(let timer):
                entry.timers.cancel(timer, on: timerWheel)
            case .terminate:
                entry.timers.cancelAll(on: timerWheel)
                if clients[entry.key] === entry { clients[entry.key] = nil }
            }
        }
    }

    private func send(_ message: SIPMessage, for entry: ClientEntry) {
        let key = entry.key
        transport.send(message, to: entry.target).whenFailure { [self] _ in
            eventLoop.execute { [self] in
                guard let entry = clients[key] else { return }
                if let fallback = entry.udpFallback {
                    // The same branch, so the same key: the UDP transaction replaces this one.
                    entry.timers.cancelAll(on: timerWheel)
                    clients[key] = nil
                    startClient(fallback.request, to: fallback.target, onEvent: entry.onEvent)
                    return
                }
                perform(entry.machine.transportError(), for: entry)
            }
        }
    }
}
