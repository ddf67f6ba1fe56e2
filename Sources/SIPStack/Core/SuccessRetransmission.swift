import SIPTransaction

/// The UAS core's retransmission of a 2xx to INVITE (RFC 3261 §13.3.1.4): the transaction does
/// not retransmit a 2xx (RFC 6026 §8.7), so the core sends it again at T1, 2·T1, … capped at T2,
/// until the ACK arrives or 64·T1 has passed (then the dialog is to be ended, §13.3.1.4).
/// Only over unreliable transports.
public struct SuccessRetransmission: Sendable, Hashable {
    public let timers: TransactionTimers
    /// The interval until the next retransmission.
    public private(set) var interval: Duration
    /// Time spent since the 2xx was first sent.
    public private(set) var elapsed: Duration = .zero

    public init(timers: TransactionTimers) {
        self.timers = timers
        self.interval = timers.t1
    }

    /// The timer fired: retransmit and wait the returned interval, or give up (nil) once 64·T1
    /// has passed without an ACK.
    public mutating func fired() -> Duration? {
        elapsed += interval
        guard elapsed < timers.transactionTimeout else { return nil }
        interval = min(interval * 2, timers.t2)
        return interval
    }
}
