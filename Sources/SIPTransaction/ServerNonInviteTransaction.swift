/// The non-INVITE server transaction of RFC 3261 §17.2.2.
///
/// A pure value: events go in, ``ServerTransactionAction``s come out, timers are actions. The I/O
/// layer keeps the most recent response and resends it when told.
///
/// RFC 3261 Figure 8:
///
/// ```
///                                   |Request received
///                                   |pass to TU
///                                   V
///                             +-----------+
///                             |           |
///                             | Trying    |-------------+
///                             |           |             |
///                             +-----------+             |200-699 from TU
///                                   |                   |send response
///                                   |1xx from TU        |
///                                   |send response      |
///                                   |                   |
///                Request            V      1xx from TU  |
///                send response+-----------+send response|
///                    +--------|           |--------+    |
///                    |        | Proceeding|        |    |
///                    +------->|           |<-------+    |
///             +<--------------|           |             |
///             |Trnsprt Err    +-----------+             |
///             |Inform TU            |                   |
///             |                     |                   |
///             |                     |200-699 from TU    |
///             |                     |send response      |
///             |  Request            V                   |
///             |  send response+-----------+             |
///             |      +--------|           |             |
///             |      |        | Completed |<------------+
///             |      +------->|           |
///             +<--------------|           |
///             |Trnsprt Err    +-----------+
///             |Inform TU            |
///             |                     |Timer J fires
///             |                     |-
///             |                     |
///             |                     V
///             |               +-----------+
///             |               |           |
///             +-------------->| Terminated|
///                             |           |
///                             +-----------+
/// ```
///
/// A retransmission of the request in Trying is absorbed: no response exists yet, and RFC 4320
/// forbids a 100 (Trying) to non-INVITE requests over UDP. Over a reliable transport Timer J is
/// zero: a final response terminates the transaction at once.
public struct ServerNonInviteTransaction: Sendable, Hashable {
    /// The states of the figure, plus the moment before ``start()``.
    public enum State: Sendable, Hashable {
        case initial, trying, proceeding, completed
        case terminated(TransactionTermination)
    }

    private var storage: State = .initial
    /// The transport the request arrived on.
    public let transport: TransportReliability
    /// The timer values this transaction uses.
    public let timers: TransactionTimers

    /// A transaction in its initial state; nothing happens until ``start()``.
    public init(transport: TransportReliability, timers: TransactionTimers = .rfc3261) {
        self.transport = transport
        self.timers = timers
    }

    /// The current state. This machine carries no data in its states, so the stored state is the
    /// public one.
    public var state: State { storage }

    /// Whether the transaction has terminated and can be discarded.
    public var isTerminated: Bool {
        if case .terminated = storage { return true }
        return false
    }

    /// The request that creates the transaction arrived: pass it to the TU (§17.2.2). Does
    /// nothing once started.
    public mutating func start() -> TransactionActions<ServerTransactionAction> {
        guard case .initial = storage else { return .init() }
        storage = .trying
        return .init(.passUp(.request))
    }

    /// A retransmission of the request arrived: answered with the most recent response in
    /// Proceeding and Completed, absorbed in Trying (§17.2.2).
    public mutating func receivedRequestRetransmission() -> TransactionActions<ServerTransactionAction> {
        switch storage {
        case .proceeding, .completed: .init(.retransmitLastResponse)
        case .initial, .trying, .terminated: .init()
        }
    }

    /// The TU passes a response to send (§17.2.2).
    ///
    /// - Throws: ``TransactionUsageError`` when the state does not allow the response; nothing
    ///   is sent then.
    public mutating func tuSendsResponse(
        statusCode: Int
    ) throws(TransactionUsageError) -> TransactionActions<ServerTransactionAction> {
        guard let responseClass = ResponseClass(statusCode: statusCode) else {
            throw .invalidStatusCode(statusCode)
        }
        switch storage {
        case .trying, .proceeding:
            break
        case .initial:
            throw .notStarted
        case .completed:
            throw .finalResponseAlreadySent(statusCode: statusCode)
        case .terminated:
            throw .terminated
        }
        if responseClass == .provisional {
            storage = .proceeding
            return .init(.sendResponse)
        }
        if let timerJ = timers.initialValue(of: .j, over: transport) {
            storage = .completed
            return .init(.sendResponse, .startTimer(.j, after: timerJ))
        }
        storage = .terminated(.completed)
        return .init(.sendResponse, .terminate(.completed))
    }

    /// A timer this transaction started fired. Timers that no longer apply are ignored.
    public mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<ServerTransactionAction> {
        guard storage == .completed, timer == .j else { return .init() }
        storage = .terminated(.completed)
        return .init(.terminate(.completed))
    }

    /// The transport failed to send a response (§17.2.4). In Trying nothing was sent yet, so
    /// there is nothing that could have failed; the error is ignored.
    public mutating func transportError() -> TransactionActions<ServerTransactionAction> {
        switch storage {
        case .proceeding, .completed:
            storage = .terminated(.transportError)
            return .init(.passUp(.transportError), .terminate(.transportError))
        case .initial, .trying, .terminated:
            return .init()
        }
    }
}
