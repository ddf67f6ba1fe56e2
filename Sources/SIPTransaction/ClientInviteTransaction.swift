/// The INVITE client transaction of RFC 3261 §17.1.1, with the Accepted state of RFC 6026 §8.4.
///
/// A pure value: events go in, ``ClientTransactionAction``s come out, timers are actions. The
/// machine holds no message; the I/O layer keeps the INVITE, builds the ACK for a non-2xx final
/// response (§17.1.1.3) when told ``ClientTransactionAction/sendAck``, and keeps that ACK for
/// ``ClientTransactionAction/retransmitAck``.
///
/// RFC 3261 Figure 5 as updated by RFC 6026 Figure 5:
///
/// ```
///                               |INVITE from TU
///             Timer A fires     |INVITE sent       Timer B fires
///             Reset A,          V                  or Transport Err.
///             INVITE sent +-----------+            inform TU
///               +---------|           |---------------------------+
///               |         |  Calling  |                           |
///               +-------->|           |------------+              |
///  300-699                +-----------+ 2xx        |              |
///  ACK sent                  |  |       2xx to TU  |              |
///  resp. to TU               |  |1xx               |              |
///  +-------------------------+  |1xx to TU         |              |
///  |                            |                  |              |
///  |                1xx         V                  |              |
///  |                1xx to TU +-----------+        |              |
///  |                +---------|           |        |              |
///  |                |         |Proceeding |------->|              |
///  |                +-------->|           | 2xx    |              |
///  |                          +-----------+ 2xx to TU             |
///  |       300-699                 |               |              |
///  |       ACK sent,               |               |              |
///  |       resp. to TU             |               |              |
///  |                               V               V              |
///  |                         +-----------+   +-----------+        |
///  +------------------------>|           |   |           |---+ 2xx|
///                            | Completed |   | Accepted  |   | 2xx to TU
///             300-699 +------|           |   |           |<--+    |
///             ACK sent|      |           |   +-----------+        |
///                     +----->|           |         |              |
///                            +-----------+         |              |
///             Transport Err.   |   | Timer D fires | Timer M fires|
///             inform TU        |   | -             | -            |
///                              V   V               V              |
///                            +-------------------------------+    |
///                            |          Terminated           |<---+
///                            +-------------------------------+
/// ```
///
/// Over a reliable transport Timer A is never started and Timer D is zero: a non-2xx final
/// response sends the ACK and terminates at once.
///
/// Departures from the figure, each for a transaction that could otherwise never end:
/// - A transport error in Proceeding (the connection the response would come back on closed)
///   informs the TU and terminates, as in Calling.
/// - ``cancelSent()`` in Proceeding starts Timer B (64*T1) as the §9.1 wait for the INVITE's final
///   response after a CANCEL; if it fires the TU is told of a timeout.
public struct ClientInviteTransaction: Sendable, Hashable {
    /// The states of the figure, plus the moment before ``start()``.
    public enum State: Sendable, Hashable {
        case initial, calling, proceeding, completed, accepted
        case terminated(TransactionTermination)
    }

    private enum Storage: Sendable, Hashable {
        case initial
        /// `timerA` is the current Timer A interval, `nil` over reliable transports.
        case calling(timerA: Duration?)
        case proceeding(cancelTimerRunning: Bool)
        case completed
        case accepted
        case terminated(TransactionTermination)
    }

    private var storage: Storage = .initial
    /// The transport the INVITE goes over.
    public let transport: TransportReliability
    /// The timer values this transaction uses.
    public let timers: TransactionTimers

    /// A transaction in its initial state; nothing is sent until ``start()``.
    public init(transport: TransportReliability, timers: TransactionTimers = .rfc3261) {
        self.transport = transport
        self.timers = timers
    }

    /// The current state.
    public var state: State {
        switch storage {
        case .initial: .initial
        case .calling: .calling
        case .proceeding: .proceeding
        case .completed: .completed
        case .accepted: .accepted
        case .terminated(let reason): .terminated(reason)
        }
    }

    /// Whether the transaction has terminated and can be discarded.
    public var isTerminated: Bool {
        if case .terminated = storage { return true }
        return false
    }

    /// The TU hands the INVITE to the transaction (§17.1.1.2): send it, start Timers A and B.
    /// Does nothing once started.
    public mutating func start() -> TransactionActions<ClientTransactionAction> {
        guard case .initial = storage else { return .init() }
        var actions = TransactionActions<ClientTransactionAction>()
        actions.append(.sendRequest)
        let timerA = timers.initialValue(of: .a, over: transport)
        if let timerA { actions.append(.startTimer(.a, after: timerA)) }
        actions.append(.startTimer(.b, after: timers.transactionTimeout))
        storage = .calling(timerA: timerA)
        return actions
    }

    /// A response matching this transaction arrived (§17.1.3 matching is the caller's job).
    /// Status codes outside 100–699 are ignored.
    public mutating func receivedResponse(statusCode: Int) -> TransactionActions<ClientTransactionAction> {
        guard let responseClass = ResponseClass(statusCode: statusCode) else { return .init() }
        var actions = TransactionActions<ClientTransactionAction>()
        switch storage {
        case .calling(let timerA):
            if timerA != nil { actions.append(.cancelTimer(.a)) }
            actions.append(.cancelTimer(.b))
            enterFromCallingOrProceeding(on: responseClass, actions: &actions)
        case .proceeding(let cancelTimerRunning):
            if cancelTimerRunning, responseClass != .provisional { actions.append(.cancelTimer(.b)) }
            enterFromCallingOrProceeding(on: responseClass, actions: &actions)
        case .completed:
            // §17.1.1.2: retransmissions of the final response are answered with the same ACK
            // and not passed up.
            if responseClass == .failure { actions.append(.retransmitAck) }
        case .accepted:
            // RFC 6026 §8.4: every 2xx goes to the TU, which ACKs it; anything else is dropped.
            if responseClass == .success { actions.append(.passUp(.response)) }
        case .initial, .terminated:
            break
        }
        return actions
    }

    private mutating func enterFromCallingOrProceeding(
        on responseClass: ResponseClass, actions: inout TransactionActions<ClientTransactionAction>
    ) {
        switch responseClass {
        case .provisional:
            actions.append(.passUp(.response))
            if case .proceeding = storage { return }
            storage = .proceeding(cancelTimerRunning: false)
        case .success:
            actions.append(.passUp(.response))
            actions.append(.startTimer(.m, after: timers.transactionTimeout))
            storage = .accepted
        case .failure:
            actions.append(.sendAck)
            actions.append(.passUp(.response))
            if let timerD = timers.initialValue(of: .d, over: transport) {
                actions.append(.startTimer(.d, after: timerD))
                storage = .completed
            } else {
                actions.append(.terminate(.completed))
                storage = .terminated(.completed)
            }
        }
    }

    /// A timer this transaction started fired. Timers that no longer apply are ignored.
    public mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<ClientTransactionAction> {
        var actions = TransactionActions<ClientTransactionAction>()
        switch (storage, timer) {
        case (.calling(let timerA?), .a):
            // §17.1.1.2: Timer A doubles on every firing; Timer B bounds it.
            let next = timers.doubled(timerA, cappedAtT2: false)
            actions.append(.retransmitRequest)
            actions.append(.startTimer(.a, after: next))
            storage = .calling(timerA: next)
        case (.calling, .b), (.proceeding(cancelTimerRunning: true), .b):
            actions.append(.passUp(.timeout))
            actions.append(.terminate(.timedOut))
            storage = .terminated(.timedOut)
        case (.completed, .d), (.accepted, .m):
            actions.append(.terminate(.completed))
            storage = .terminated(.completed)
        default:
            break
        }
        return actions
    }

    /// The transport failed to send the INVITE or the ACK, or the connection closed (§17.1.4).
    public mutating func transportError() -> TransactionActions<ClientTransactionAction> {
        var actions = TransactionActions<ClientTransactionAction>()
        switch storage {
        case .calling, .proceeding, .completed:
            actions.append(.passUp(.transportError))
            actions.append(.terminate(.transportError))
            storage = .terminated(.transportError)
        case .initial, .accepted, .terminated:
            break
        }
        return actions
    }

    /// The TU sent a CANCEL for this INVITE (§9.1). In Proceeding, Timer B (64*T1) starts: if no
    /// final response arrives before it fires, the transaction times out. Elsewhere nothing
    /// changes (in Calling Timer B already runs; a CANCEL must wait for a provisional response).
    public mutating func cancelSent() -> TransactionActions<ClientTransactionAction> {
        guard case .proceeding(cancelTimerRunning: false) = storage else { return .init() }
        storage = .proceeding(cancelTimerRunning: true)
        return .init(.startTimer(.b, after: timers.transactionTimeout))
    }
}
