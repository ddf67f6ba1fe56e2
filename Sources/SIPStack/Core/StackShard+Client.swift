import NIOCore
import SIPCore
import SIPTransaction
import SIPTransport

/// A client transaction's machine with the request, the target, the ACK it built and its
/// timers (RFC 3261 §17.1).
///
/// Once the machine reaches its terminal wait the entry drops what it no longer needs
/// (``trim()``): INVITE Completed keeps the ACK's bytes for retransmitted non-2xx responses
/// (§17.1.1.2), INVITE Accepted only the handler for retransmitted 2xx (RFC 6026 §8.4),
/// non-INVITE Completed only the key (§17.1.2.2).
final class ClientEntry {
    var machine: ClientMachine
    let target: SIPTransportTarget
    let key: ClientTransactionKey
    var timers = TimerSet()
    /// The request, while it may be retransmitted, cancelled or acknowledged.
    private(set) var request: SIPMessage?
    /// The transaction user's handler, while responses still go up.
    private(set) var onEvent: (@Sendable (SIPClientEvent) -> Void)?
    /// The UDP request and target to fall back to when a request moved to TCP by the §18.1.1
    /// size rule cannot be sent ("the element SHOULD retry the request, using UDP").
    private(set) var udpFallback: Fallback?
    /// The ACK just built for a non-2xx final response, until ``trim()`` keeps its bytes.
    private var builtAck: SIPMessage?
    /// The ACK for the non-2xx final response as sent (INVITE Completed).
    private(set) var ackBytes: [UInt8]?

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

    /// True when the entry holds any message (the request, an ACK not yet trimmed).
    var holdsMessages: Bool { request != nil || builtAck != nil || udpFallback != nil }

    /// Keeps `ack` (sent for a non-2xx final response) until ``trim()``.
    func keep(ack: SIPMessage) { builtAck = ack }

    /// Drops what the machine's state no longer needs (``ClientTransactionRetention``).
    func trim() {
        let retention = machine.retention
        guard retention != .request else { return }
        request = nil
        udpFallback = nil
        if retention == .ack, let builtAck { ackBytes = builtAck.serialized() }
        builtAck = nil
        if retention != .ack { ackBytes = nil }
        if retention != .handler { onEvent = nil }
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
        // §9.1: once a final response arrived the request is dropped and no CANCEL is sent.
        guard let entry = clients[key], case .invite = entry.machine, let request = entry.request,
            var cancel = SIPMessage.makeCancel(for: request)
        else {
            onEvent(.final(SIPMessage(response: SIPStatusLine(statusCode: 481, reason: "Call/Transaction Does Not Exist"))))
            return
        }
        for (name, value) in extra { cancel.headers.append(name, value: value) }
        perform(entry.machine.cancelSent(), for: entry)
        startClient(cancel, to: entry.target, onEvent: onEvent)
    }

    /// Runs a client machine's actions in order (`response` is the response just received),
    /// then drops what the new state no longer needs (``ClientEntry/trim()``).
    func perform(_ actions: TransactionActions<ClientTransactionAction>, for entry: ClientEntry, response: SIPMessage? = nil) {
        defer { entry.trim() }
        for action in actions {
            switch action {
            case .sendRequest, .retransmitRequest:
                if let request = entry.request { send(request, for: entry) }
            case .sendAck:
                if let response, let request = entry.request, let ack = SIPMessage.makeACK(for: request, response: response) {
                    entry.keep(ack: ack)
                    send(ack, for: entry)
                }
            case .retransmitAck:
                // §17.1.1.2: the same ACK for every retransmission of the final response; parsed
                // back from its bytes for the transport (rare: only on a lost ACK).
                if let bytes = entry.ackBytes, let ack = try? SIPParser().parse(bytes) { send(ack, for: entry) }
            case .passUp(.response):
                guard let response, let status = response.statusCode else { break }
                entry.onEvent?(status < 200 ? .provisional(response) : .final(response))
            case .passUp(.timeout):
                entry.onEvent?(.timeout)
            case .passUp(.transportError):
                entry.onEvent?(.transportError)
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
                if let fallback = entry.udpFallback, let onEvent = entry.onEvent {
                    // The same branch, so the same key: the UDP transaction replaces this one.
                    entry.timers.cancelAll(on: timerWheel)
                    clients[key] = nil
                    startClient(fallback.request, to: fallback.target, onEvent: onEvent)
                    return
                }
                perform(entry.machine.transportError(), for: entry)
            }
        }
    }
}
