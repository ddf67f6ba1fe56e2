/// The INVITE server transaction of RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §8.7.
///
/// A pure value: events go in, ``ServerTransactionAction``s come out, timers are actions. The I/O
/// layer keeps the most recent response and (re)sends it when told; the TU's responses come in
/// through ``tuSendsResponse(statusCode:)``.
///
/// RFC 3261 Figure 7 as updated by RFC 6026 Figure 7:
///
/// ```
///                                    |INVITE
///                                    |pass INV to TU
///                 INVITE             V send 100 if TU won't in 200 ms
///                 send response+------------+
///                     +--------|            |--------+ 101-199 from TU
///                     |        |            |        | send response
///                     +------->|            |<-------+
///                              | Proceeding |
///                              |            |--------+ Transport Err.
///                              |            |        | inform TU
///                              |            |<-------+
///                              +------------+
///                 300-699 from TU |     |2xx from TU
///                 send response   |     |send response
///                  +--------------+     +------------+
///                  |                                 |
///  INVITE          V          Timer G fires          |
///  send response+-----------+ send response          |
///      +--------|           |--------+               |
///      |        |           |        |               V
///      +------->| Completed |<-------+        +------------+
///               |           |                 |            |---+ INVITE
///  Transport Err|           |                 |  Accepted  |   | -
///  inform TU    +-----------+                 |            |<--+
///  Timer H fires   |   |                      |            |---+ 2xx from TU
///  inform TU       |   |ACK                   |            |   | send response
///                  |   |-                     |            |<--+
///                  |   V                      |            |---+ ACK
///                  | +-----------+            |            |   | to TU
///                  | |           |---+ ACK    |            |<--+
///                  | | Confirmed |   | -      |            |---+ Transport Err.
///                  | |           |<--+        |            |   | inform TU
///                  | +-----------+            |            |<--+
///                  |   |Timer I fires         +------------+
///                  |   |-                            |Timer L fires
///                  V   V                             |-
///               +------------+                       |
///               | Terminated |<----------------------+
///               +------------+
/// ```
///
/// Over a reliable transport Timer G is never started and Timer I is zero: the ACK for a non-2xx
/// final response terminates the transaction at once. Timer H runs on both.
///
/// A CANCEL matching the INVITE (§9.2) is its own non-INVITE server transaction; the stack tells
/// this machine with ``receivedCancel()``, which reaches the TU only while no final response was
/// sent.
public struct ServerInviteTransaction: Sendable, Hashable {
    /// The states of the figure, plus the moment before ``start()``.
    public enum State: Sendable, Hashable {
        case initial, proceeding, completed, confirmed, accepted
        case terminated(TransactionTermination)
    }

    private enum Storage: Sendable, Hashable {
        case initial
        /// `hasProvisional`: a provisional response was sent, so a retransmitted INVITE is
        /// answered with it.
        case proceeding(hasProvisional: Bool)
        /// `timerG` is the current Timer G interval, `nil` over reliable transports.
        case completed(timerG: Duration?)
        case confirmed
        case accepted
        case terminated(TransactionTermination)
    }

    private var storage: Storage = .initial
    /// The transport the INVITE arrived on.
    public let transport: TransportReliability
    /// The timer values this transaction uses.
    public let timers: TransactionTimers
    /// Whether ``start()`` sends a 100 (Trying) at once. Set it to `false` only when the TU is
    /// known to respond within 200 ms (§17.2.1).
    public let sendsTrying: Bool

    /// A transaction in its initial state; nothing happens until ``start()``.
    public init(transport: TransportReliability, timers: TransactionTimers = .rfc3261, sendsTrying: Bool = true) {
        self.transport = transport
        self.timers = timers
        self.sendsTrying = sendsTrying
    }

    /// The current state.
    public var state: State {
        switch storage {
        case .initial: .initial
        case .proceeding: .proceeding
        case .completed: .completed
        case .confirmed: .confirmed
        case .accepted: .accepted
        case .terminated(let reason): .terminated(reason)
        }
    }

    /// Whether the transaction has terminated and can be discarded.
    public var isTerminated: Bool {
        if case .terminated = storage { return true }
        return false
    }

    /// The INVITE that creates the transaction arrived (§17.2.1): send 100 (Trying) unless
    /// ``sendsTrying`` is off, and pass the INVITE to the TU. Does nothing once started.
    public mutating func start() -> TransactionActions<ServerTransactionAction> {
        guard case .initial = storage else { return .init() }
        var actions = TransactionActions<ServerTransactionAction>()
        if sendsTrying { actions.append(.sendTrying) }
        actions.append(.passUp(.request))
        storage = .proceeding(hasProvisional: sendsTrying)
        return actions
    }

    /// A retransmission of the INVITE arrived (§17.2.1; RFC 6026 §8.7 absorbs it in Accepted).
    public mutating func receivedRequestRetransmission() -> TransactionActions<ServerTransactionAction> {
        switch storage {
        case .proceeding(hasProvisional: true), .completed:
            return .init(.retransmitLastResponse)
        case .initial, .proceeding(hasProvisional: false), .confirmed, .accepted, .terminated:
            return .init()
        }
    }

    /// An ACK matching this transaction arrived: for a non-2xx it moves Completed to Confirmed
    /// (§17.2.1); for a 2xx in Accepted it goes to the TU (RFC 6026 §8.7); elsewhere it is
    /// absorbed.
    public mutating func receivedAck() -> TransactionActions<ServerTransactionAction> {
        var actions = TransactionActions<ServerTransactionAction>()
        switch storage {
        case .completed(let timerG):
            if timerG != nil { actions.append(.cancelTimer(.g)) }
            actions.append(.cancelTimer(.h))
            if let timerI = timers.initialValue(of: .i, over: transport) {
                actions.append(.startTimer(.i, after: timerI))
                storage = .confirmed
            } else {
                actions.append(.terminate(.completed))
                storage = .terminated(.completed)
            }
        case .accepted:
            actions.append(.passUp(.ack))
        case .initial, .proceeding, .confirmed, .terminated:
            break
        }
        return actions
    }

    /// A CANCEL matched this INVITE (§9.2). While Proceeding the TU is told, and should answer the
    /// INVITE with 487; once a final response was sent the CANCEL has no effect.
    public mutating func receivedCancel() -> TransactionActions<ServerTransactionAction> {
        guard case .proceeding = storage else { return .init() }
        return .init(.passUp(.cancel))
    }

    /// The TU passes a response to send (§17.2.1, RFC 6026 §8.7).
    ///
    /// - Throws: ``TransactionUsageError`` when the state does not allow the response; nothing
    ///   is sent then.
    public mutating func tuSendsResponse(
        statusCode: Int
    ) throws(TransactionUsageError) -> TransactionActions<ServerTransactionAction> {
        guard let responseClass = ResponseClass(statusCode: statusCode) else {
            throw .invalidStatusCode(statusCode)
        }
        var actions = TransactionActions<ServerTransactionAction>()
        switch (storage, responseClass) {
        case (.proceeding, .provisional):
            actions.append(.sendResponse)
            storage = .proceeding(hasProvisional: true)
        case (.proceeding, .success):
            actions.append(.sendResponse)
            actions.append(.startTimer(.l, after: timers.transactionTimeout))
            storage = .accepted
        case (.proceeding, .failure):
            actions.append(.sendResponse)
            let timerG = timers.initialValue(of: .g, over: transport)
            if let timerG { actions.append(.startTimer(.g, after: timerG)) }
            actions.append(.startTimer(.h, after: timers.transactionTimeout))
            storage = .completed(timerG: timerG)
        case (.accepted, .success):
            // RFC 6026 §8.7: the TU's 2xx retransmissions pass through; the transaction never
            // retransmits a 2xx itself.
            actions.append(.sendResponse)
        case (.initial, _):
            throw .notStarted
        case (.terminated, _):
            throw .terminated
        case (.completed, _), (.confirmed, _), (.accepted, _):
            throw .finalResponseAlreadySent(statusCode: statusCode)
        }
        return actions
    }

    /// A timer this transaction started fired. Timers that no longer apply are ignored.
    public mutating func timerFired(_ timer: TransactionTimer) -> TransactionActions<ServerTransactionAction> {
        var actions = TransactionActions<ServerTransactionAction>()
        switch (storage, timer) {
        case (.completed(let timerG?), .g):
            let next = timers.doubled(timerG, cappedAtT2: true)
            actions.append(.retransmitLastResponse)
            actions.append(.startTimer(.g, after: next))
            storage = .completed(timerG: next)
        case (.completed, .h):
            actions.append(.passUp(.timeout))
            actions.append(.terminate(.timedOut))
            storage = .terminated(.timedOut)
        case (.confirmed, .i), (.accepted, .l):
            actions.append(.terminate(.completed))
            storage = .terminated(.completed)
        default:
            break
        }
        return actions
    }

    /// The transport failed to send a response (§17.2.4). In Accepted the TU is told and the
    /// transaction stays to absorb INVITE retransmissions (RFC 6026 Figure 7).
    public mutating func transportError() -> TransactionActions<ServerTransactionAction> {
        switch storage {
        case .proceeding, .completed:
            storage = .terminated(.transportError)
            return .init(.passUp(.transportError), .terminate(.transportError))
        case .accepted:
            return .init(.passUp(.transportError))
        case .initial, .confirmed, .terminated:
            return .init()
        }
    }
}
