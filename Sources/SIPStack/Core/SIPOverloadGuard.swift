/// Decides, for each new INVITE, whether the stack takes it or answers it at once, statelessly,
/// `503 Service Unavailable` with `Retry-After` (RFC 3261 §21.5.4, §20.33), before any
/// transaction, call or media exists (issue 6 "Speed and overload").
///
/// A server that takes more calls than it can finish collapses: the calls it accepted late are
/// retransmitted by their callers (every 500 ms and more, §17.1.1.2), their 2xx are retransmitted
/// until ACKed, and the socket's receive queue overflows so that even answerable messages are
/// lost. Refusing the excess costs one parse and one small response per INVITE, so goodput
/// stays near the maximum past it. The signals, in the spirit of RFC 7339's "loss" algorithm
/// driven by local measurements (no overload-control headers are exchanged):
///
/// - **queue delay**: how long a message waited between the transport reading it and the
///   stack handling it (an event loop's task queue backing up);
/// - **receive backlog**: how full the socket's kernel receive queue was when the message was
///   read (the reading loop falling behind the peers; on UDP the next step is lost datagrams);
/// - **pending INVITEs**: INVITE server transactions on this shard without a final response
///   (a hard bound on calls in setup, hence on memory).
///
/// Delay and backlog are smoothed (an exponentially weighted mean over messages, weight 1/16;
/// one delay counts at most twice its limit), so one slow message on a shared machine does not
/// refuse calls. Overload starts when a mean has stayed above its limit without a break for
/// ``Limits/sustain`` of wall time (after at least ``minimumObservations`` messages without a
/// pause), and ends when both are back under half their limits (hysteresis). The sustain rule
/// tells a saturated gateway from a stalled one: a scheduling stall of the machine (a VM's
/// hiccup) fills the queues for a moment and then drains with the
/// cores idle, while too many calls keep them full. Before session 7 overload started at the
/// first mean above the limit: each stall refused a few dozen calls with half the CPU idle
/// (bench-b2bua's per-signal 503 counts: mostly `receive_backlog`). The bound on pending
/// INVITEs acts at once. A pause in the traffic (no message for ``idleReset``) means nothing is
/// queued: the means start again from the next message, so a quiet gateway never stays refusing.
/// Pure: the stack feeds it measurements and the monotonic time on the shard's loop.
public struct SIPOverloadGuard: Sendable {
    /// The limits; nil turns a signal off.
    public struct Limits: Sendable, Hashable {
        /// The mean queue delay above which new INVITEs are refused.
        public var maxQueueDelay: Duration?
        /// The mean fill of the socket's receive queue (0…1 of its buffer) above which new
        /// INVITEs are refused.
        public var maxReceiveBacklog: Double?
        /// INVITE server transactions without a final response, per shard.
        public var maxPendingInvites: Int?
        /// The `Retry-After` seconds of the 503.
        public var retryAfter: Int
        /// How long a smoothed signal must stay above its limit before new INVITEs are refused.
        public var sustain: Duration

        /// The default of ``sustain``: longer than this machine's stalls, short against sipp's
        /// 500 ms retransmission timer (a real overload is refused well before callers retransmit).
        public static let defaultSustain = Duration.milliseconds(200)

        /// Defaults sized for 2 cores and sipp's 500 ms retransmission timer: refuse once the
        /// mean wait has stayed over 100 ms, or the receive queue on average over half full, for
        /// 200 ms.
        public init(maxQueueDelay: Duration? = .milliseconds(100), maxReceiveBacklog: Double? = 0.5,
                    maxPendingInvites: Int? = nil, retryAfter: Int = 5, sustain: Duration = defaultSustain) {
            self.maxQueueDelay = maxQueueDelay
            self.maxReceiveBacklog = maxReceiveBacklog.map { min(1, max(0.01, $0)) }
            self.maxPendingInvites = maxPendingInvites.map { max(1, $0) }
            self.retryAfter = max(1, retryAfter)
            self.sustain = max(.zero, sustain)
        }

        /// Every signal off: every INVITE is taken.
        public static let off = Limits(maxQueueDelay: nil, maxReceiveBacklog: nil, maxPendingInvites: nil)
    }

    /// The signal that made the guard refuse (for the per-signal 503 counters: which one trips
    /// tells a stalled machine from a saturated one).
    public enum Signal: String, Sendable, Hashable, CaseIterable {
        case queueDelay = "queue_delay"
        case receiveBacklog = "receive_backlog"
        case pendingInvites = "pending_invites"
    }

    /// The answer to a new INVITE.
    public enum Verdict: Sendable, Hashable {
        case accept
        /// Answer `503` with this `Retry-After`; create nothing.
        case reject(retryAfter: Int, signal: Signal)
    }

    /// The limits in force.
    public let limits: Limits
    /// The smoothed queue delay, in nanoseconds.
    public private(set) var meanQueueDelay: Double = 0
    /// The smoothed receive-queue fill (0…1).
    public private(set) var meanReceiveBacklog: Double = 0
    /// Whether new INVITEs are refused now.
    public var overloaded: Bool { overloadSignal != nil }
    /// The signal that started the overload in force, if any.
    public private(set) var overloadSignal: Signal?

    /// The weight of a new measurement in the means.
    static let weight = 1.0 / 16
    /// Named limit: messages observed since the last pause before overload can start.
    public static let minimumObservations = 8
    /// Named limit: a gap between messages this long resets the means.
    public static let idleReset = Duration.seconds(1)

    var observations = 0
    var lastObservation: Duration?
    /// Since when a mean has been above its limit without a break (nil: not now).
    var highSince: Duration?

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Whether any signal is on (an all-off guard costs nothing per message).
    public var isActive: Bool {
        limits.maxQueueDelay != nil || limits.maxReceiveBacklog != nil || limits.maxPendingInvites != nil
    }

    /// One inbound message (any method, or a response) handled at `now` (a monotonic clock):
    /// how long it waited and how full the receive queue was when it was read.
    public mutating func observe(queueDelay: Duration, receiveBacklog: Double, at now: Duration) {
        if let last = lastObservation, now - last >= Self.idleReset {
            meanQueueDelay = 0
            meanReceiveBacklog = 0
            observations = 0
            overloadSignal = nil
            highSince = nil
        }
        lastObservation = now
        observations += 1
        let delayLimit = limits.maxQueueDelay.map(Self.nanoseconds)
        let backlogLimit = limits.maxReceiveBacklog
        var delay = max(0, Self.nanoseconds(queueDelay))
        if let delayLimit { delay = min(delay, 2 * delayLimit) }
        meanQueueDelay += (delay - meanQueueDelay) * Self.weight
        meanReceiveBacklog += (min(1, max(0, receiveBacklog)) - meanReceiveBacklog) * Self.weight
        if overloaded {
            let delayCalm = delayLimit.map { meanQueueDelay < $0 / 2 } ?? true
            let backlogCalm = backlogLimit.map { meanReceiveBacklog < $0 / 2 } ?? true
            if delayCalm && backlogCalm { overloadSignal = nil }
        } else if observations >= Self.minimumObservations {
            let delayHigh = delayLimit.map { meanQueueDelay > $0 } ?? false
            let backlogHigh = backlogLimit.map { meanReceiveBacklog > $0 } ?? false
            guard delayHigh || backlogHigh else {
                highSince = nil
                return
            }
            let since = highSince ?? now
            highSince = since
            if now - since >= limits.sustain {
                overloadSignal = delayHigh ? .queueDelay : .receiveBacklog
                highSince = nil
            }
        }
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }

    /// A new INVITE (no To tag, no transaction yet) while `pendingInvites` INVITE transactions
    /// of this shard wait for their final response.
    public func admitInvite(pendingInvites: Int) -> Verdict {
        if let overloadSignal { return .reject(retryAfter: limits.retryAfter, signal: overloadSignal) }
        if let max = limits.maxPendingInvites, pendingInvites >= max {
            return .reject(retryAfter: limits.retryAfter, signal: .pendingInvites)
        }
        return .accept
    }
}
