// Timer values of RFC 3261 §17 (summary in Appendix A) and RFC 6026 §8.

/// The transport a transaction runs over, as far as the transaction cares (RFC 3261 §17).
///
/// Over a reliable transport (TCP, TLS, SCTP) requests and responses are never retransmitted by
/// the transaction, and the "wait for retransmissions" timers D, I, J and K are zero: the
/// machine moves straight to Terminated instead of starting them.
public enum TransportReliability: Sendable, Hashable {
    /// UDP: the transaction retransmits and absorbs retransmissions.
    case unreliable
    /// TCP, TLS, SCTP: the transport delivers or reports an error.
    case reliable
}

/// The named timers of RFC 3261 §17 and RFC 6026 (Table 4 of RFC 3261 Appendix A).
///
/// Timer C (§16.6, proxy INVITE timer) belongs to the transaction user, not to a transaction.
public enum TransactionTimer: Sendable, Hashable, CaseIterable {
    /// INVITE request retransmit interval, unreliable only (§17.1.1.2). Starts at T1, doubles.
    case a
    /// INVITE transaction timeout, 64*T1 (§17.1.1.2).
    case b
    /// Wait time for response retransmits: ≥32 s unreliable, 0 reliable (§17.1.1.2).
    case d
    /// Non-INVITE request retransmit interval, unreliable only (§17.1.2.2). T1, doubling to T2.
    case e
    /// Non-INVITE transaction timeout, 64*T1 (§17.1.2.2).
    case f
    /// INVITE final response retransmit interval, unreliable only (§17.2.1). T1, doubling to T2.
    case g
    /// Wait time for ACK receipt, 64*T1 (§17.2.1).
    case h
    /// Wait time for ACK retransmits: T4 unreliable, 0 reliable (§17.2.1).
    case i
    /// Wait time for non-INVITE request retransmits: 64*T1 unreliable, 0 reliable (§17.2.2).
    case j
    /// Wait time for response retransmits: T4 unreliable, 0 reliable (§17.1.2.2).
    case k
    /// Wait time for accepted INVITE request retransmits, 64*T1 (RFC 6026 §8.7).
    case l
    /// Wait time for retransmission of 2xx to INVITE or additional 2xx from other branches,
    /// 64*T1 (RFC 6026 §8.4).
    case m
}

/// The timer base values T1, T2, T4 and Timer D, from which every other timer derives
/// (RFC 3261 §17.1.1.1, §17.1.2.2, Table 4).
///
/// The defaults are the RFC's. A deployment on a known network may lower T1 (§17.1.1.1 allows it
/// on private networks); T2 and T4 should follow.
public struct TransactionTimers: Sendable, Hashable {
    /// RTT estimate, default 500 ms (§17.1.1.1).
    public var t1: Duration
    /// Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s.
    public var t2: Duration
    /// Maximum duration a message remains in the network, default 5 s.
    public var t4: Duration
    /// Timer D over unreliable transports: "at least 32 seconds" (§17.1.1.2).
    public var timerDUnreliable: Duration

    /// Creates timer values; every parameter defaults to RFC 3261's value.
    public init(
        t1: Duration = .milliseconds(500),
        t2: Duration = .seconds(4),
        t4: Duration = .seconds(5),
        timerDUnreliable: Duration = .seconds(32)
    ) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.timerDUnreliable = timerDUnreliable
    }

    /// RFC 3261's values: T1 = 500 ms, T2 = 4 s, T4 = 5 s, Timer D = 32 s.
    public static let rfc3261 = TransactionTimers()

    /// 64*T1: Timers B, F, H (both transports), J (unreliable), L and M.
    public var transactionTimeout: Duration { t1 * 64 }

    /// The initial value of a timer for the given transport, or `nil` when the RFC does not start
    /// it (A, E, G over reliable transports) or sets it to zero (D, I, J, K over reliable ones).
    public func initialValue(of timer: TransactionTimer, over transport: TransportReliability) -> Duration? {
        let reliable = transport == .reliable
        switch timer {
        case .a, .e, .g: return reliable ? nil : t1
        case .b, .f, .h, .l, .m: return transactionTimeout
        case .d: return reliable ? nil : timerDUnreliable
        case .i, .k: return reliable ? nil : t4
        case .j: return reliable ? nil : transactionTimeout
        }
    }

    /// The next retransmit interval after `interval`: doubled, capped at T2 when `capped`
    /// (Timers E and G; Timer A doubles without cap, §17.1.1.2).
    func doubled(_ interval: Duration, cappedAtT2 capped: Bool) -> Duration {
        let next = interval * 2
        return capped ? min(next, t2) : next
    }
}

extension TransactionTimers {
    /// A timer configuration the machines cannot run with.
    public enum ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// T1 must be positive: Timers A, E and G double from it, so zero would retransmit in a
        /// loop, and every timeout (64*T1) would be zero.
        case t1NotPositive(Duration)
        /// T2 caps the retransmit interval and must not be below T1 (§17.1.2.2).
        case t2BelowT1(t1: Duration, t2: Duration)
        /// T4 must be positive.
        case t4NotPositive(Duration)
        /// Timer D must be positive (RFC 3261 asks for at least 32 s over UDP, §17.1.1.2).
        case timerDNotPositive(Duration)

        public var description: String {
            switch self {
            case .t1NotPositive(let t1): "T1 must be greater than zero (got \(t1)); RFC 3261 default: 500 ms"
            case .t2BelowT1(let t1, let t2): "T2 (\(t2)) must not be below T1 (\(t1)); RFC 3261 default: 4 s"
            case .t4NotPositive(let t4): "T4 must be greater than zero (got \(t4)); RFC 3261 default: 5 s"
            case .timerDNotPositive(let d): "Timer D must be greater than zero (got \(d)); RFC 3261: at least 32 s"
            }
        }
    }

    /// These values, or the first reason they cannot be used. Configuration loading calls this so
    /// that an operator's mistake becomes an error naming the setting, never a retransmit loop.
    public func validated() throws(ValidationError) -> TransactionTimers {
        guard t1 > .zero else { throw .t1NotPositive(t1) }
        guard t2 >= t1 else { throw .t2BelowT1(t1: t1, t2: t2) }
        guard t4 > .zero else { throw .t4NotPositive(t4) }
        guard timerDUnreliable > .zero else { throw .timerDNotPositive(timerDUnreliable) }
        return self
    }
}
