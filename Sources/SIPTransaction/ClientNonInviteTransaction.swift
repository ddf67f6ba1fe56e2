/// The non-INVITE client transaction of RFC 3261 §17.1.2 (REGISTER, OPTIONS, BYE, CANCEL, INFO …).
///
/// A pure value: events go in, ``ClientTransactionAction``s come out, timers are actions. The I/O
/// layer keeps the request and retransmits it when told.
///
/// RFC 3261 Figure 6:
///
/// ```
///                                    |Request from TU
///                                    |send request
///                Timer E             V
///                send request  +-----------+
///                    +---------|           |-------------------+
///                    |         |  Trying   |  Timer F          |
///                    +-------->|           |  or Transport Err.|
///                              +-----------+  inform TU        |
///                 200-699         |  |                         |
///                 resp. to TU     |  |1xx                      |
///                 +---------------+  |resp. to TU              |
///                 |                  |                         |
///                 |   Timer E        V       Timer F           |
///                 |   send req +-----------+ or Transport Err. |
///                 |  +---------|           | inform TU         |
///                 |  |         |Proceeding |------------------>|
///                 |  +-------->|           |-----+             |
///                 |            +-----------+     |1xx          |
///                 |              |      ^        |resp to TU   |
///                 | 200-699      |      +--------+             |
///                 | resp. to TU  |                             |
///                 |              |                             |
///                 |              V                             |
///                 |            +-----------+                   |
///                 |            |           |                   |
///                 |            | Completed |                   |
///                 |            |           |                   |
///                 |            +-----------+                   |
///                 |              ^   |                         |
///                 |              |   | Timer K                 |
///                 +--------------+   | -                       |
///                                    |                         |
///                                    V                         |
///              NOTE:           +-----------+                   |
///                              |           |                   |
///          transitions         | Terminated|<------------------+
///          labeled with        |           |
///          the event           +-----------+
///          over the action
///          to take
/// ```
///
/// Timer E starts at T1 and doubles up to T2 while Trying; once Proceeding it fires every T2
/// (§17.1.2.2). Over a reliable transport Timer E is never started and Timer K is zero: a final
/// response terminates the transaction at once.
public struct ClientNonInviteTransaction: Sendable, Hashable {
    /// The states of the figure, plus the moment before ``start()``.
    public enum State: Sendable, Hashable {
        case initial, trying, proceeding, completed
        case terminated(TransactionTermination)
    }

    private enum Storage: Sendable, Hashable {
        case initial
        /// `timerE` is the current Timer E interval, `nil` over reliable transports.
        case trying(timerE: Duration?)
        case proceeding
        case completed
        case terminated(TransactionTermination)
    }

    private var storage: Storage = .initial
    /// The transport the request goes over.
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
        case .trying: .trying
        case .proceeding: .proceeding
        case .completed: .completed
        case .terminated(let reason): .terminated(reason)
        }
    }

    /// Whether the transaction has terminated and can be discarded.
    public var isTerminated: Bool {
        if case .terminated = storage { return true }
        return false
    }

    /// The TU hands the request to the transaction (§17.1.2.2): send it, start Timers E and F.
    /// Does nothing once started.
    public mutating func start() -> TransactionActions<ClientTransactionAction> {
        guard case .initial = storage else { return .init() }
        var actions = TransactionActions<ClientTransactionAction>()
        actions.append(.sendRequest)
        let timerE = timers.initialValue(of: .e, over: transport)
        if let timerE { actions.append(.startTimer(.e, after: timerE)) }
        actions.append(.startTimer(.f, after: timers.transactionTimeout))
        storage = .trying(timerE: timerE)
        return actions
    }

    /// A response matching this transaction arrived. Status codes outside 100–699 are ignored.
    public mutating func receivedResponse(statusCode: Int) -> TransactionActions<ClientTransactionAction> {
        guard let responseClass = ResponseClass(statusCode: statusCode) else { return .init() }
        var actions = TransactionActions<ClientTransactionAction>()
        switch storage {
        case .trying, .proceeding:
            actions.append(.passUp(.response))
            if responseClass == .provisional {
                if case .trying = storage { storage = .proceeding }
                return actions
            }
            if transport == .unreliable { actions.append(.cancelTimer(.e)) }
            actions.append(.cancelTimer(.f))
            if let timerK = timers.initialValue(of: .k, over: transport) {
                actions.append(.startTimer(.k, after: timerK))
                storage = .completed
            } else {
                actions.append(.terminate(.completed))
                storage = .terminated(.completed)
            }
        case .initial, .completed, .terminated:
            // Completed absorbs response retransmissions (§17.1.2.2).
            break
        }
        return actions
    }

    /// A timer this transaction started fired. Timers that no longer apply are ignored.
    public mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<ClientTransactionAction> {
        var actions = TransactionActions<ClientTransactionAction>()
        switch (storage, timer) {
        case (.trying(let timerE?), .e):
            let next = timers.doubled(timerE, cappedAtT2: true)
            actions.append(.retransmitRequest)
            actions.append(.startTimer(.e, after: next))
            storage = .trying(timerE: next)
        case (.proceeding, .e) where transport == .unreliable:
            actions.append(.retransmitRequest)
            actions.append(.startTimer(.e, after: timers.t2))
        case (.trying, .f), (.proceeding, .f):
            actions.append(.passUp(.timeout))
            actions.append(.terminate(.timedOut))
            storage = .terminated(.timedOut)
        case (.completed, .k):
            actions.append(.terminate(.completed))
            storage = .terminated(.completed)
        default:
            break
        }
        return actions
    }

    /// The transport failed to send the request, or the connection closed (§17.1.4).
    public mutating func transportError() -> TransactionActions<ClientTransactionAction> {
        switch storage {
        case .trying, .proceeding:
            storage = .terminated(.transportError)
            return .init(.passUp(.transportError), .terminate(.transportError))
        case .initial, .completed, .terminated:
            return .init()
        }
    }
}
