import NIOConcurrencyHelpers
import NIOCore

/// The timers of one event loop: a ``TimerWheel`` of closures, driven by one NIO scheduled
/// callback at a time, armed for the next occupied tick and not at all while the wheel is empty.
///
/// SIP transactions and calls schedule thousands of timers per second that are mostly cancelled
/// or stale by the time they fire (Timers J/K/D and the call linger run 32 s). On NIO's
/// scheduled-task heap each costs a closure, a promise and a heap insert, and a cancel searches
/// the heap linearly; here a timer is a slot in the wheel's table and a cancel unlinks it.
///
/// Resolution: 5 ms ticks, 8192 slots (a 40.96 s span: every RFC 3261 timer and the 32 s linger
/// land without going round). A timer fires no earlier than asked and at most one tick (5 ms)
/// later, plus the loop's own latency in running the tick callback (as for any NIO task): 1% of
/// T1 (500 ms), 5% of the 100 ms before a 100 (Trying).
///
/// Confined to its loop: every method must be called on ``eventLoop``, so nothing locks. One
/// instance per loop is shared by everything on it (``shared(for:)``).
public final class EventLoopTimerWheel: @unchecked Sendable {
    /// Nanoseconds per tick.
    public static let resolution: UInt64 = 5_000_000
    /// Slots in the wheel (span = slots · resolution).
    public static let slotCount = 8192

    public let eventLoop: any EventLoop
    private var wheel: TimerWheel<() -> Void>
    /// The tick the NIO callback is armed for, and the callback (cancelled only to arm an
    /// earlier tick).
    private var armedTick: Int64?
    private var armed: NIOScheduledCallback?
    /// True while `arm()` cancels the armed callback (not a shutdown).
    private var rearming = false

    /// A wheel for `eventLoop` (use ``shared(for:)`` to get the loop's one instance).
    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.wheel = TimerWheel(
            origin: NIODeadline.now().uptimeNanoseconds, resolution: Self.resolution, slotCount: Self.slotCount)
    }

    /// Live timers.
    public var count: Int { wheel.count }

    /// Runs `body` on the loop after `delay`; cancel with ``cancel(_:)``.
    @discardableResult
    public func schedule(in delay: TimeAmount, _ body: @escaping () -> Void) -> TimerHandle {
        eventLoop.assertInEventLoop()
        let handle = wheel.schedule(after: delay.nanoseconds, now: NIODeadline.now().uptimeNanoseconds, body)
        arm()
        return handle
    }

    /// Runs `body` on the loop after `delay`; cancel with ``cancel(_:)``.
    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> TimerHandle {
        schedule(in: TimeAmount(delay), body)
    }

    /// Cancels the timer of `handle`; a stale handle (fired, cancelled) does nothing.
    public func cancel(_ handle: TimerHandle) {
        eventLoop.assertInEventLoop()
        wheel.cancel(handle)
    }

    /// True while the timer of `handle` is pending.
    public func isScheduled(_ handle: TimerHandle) -> Bool {
        wheel.isScheduled(handle)
    }

    /// True while a NIO callback is armed to turn the wheel (never while the wheel is empty after
    /// a tick).
    var isArmed: Bool { armedTick != nil }

    /// Arms the NIO callback for the next occupied tick unless it is armed for that tick or
    /// earlier (an earlier timer cancels and re-arms it: the loop's heap holds one entry of ours).
    private func arm() {
        guard let tick = wheel.nextOccupiedTick() else { return }
        if let armedTick, armedTick <= tick { return }
        if let armed {
            rearming = true
            armed.cancel()
            rearming = false
        }
        let deadline = NIODeadline.uptimeNanoseconds(wheel.time(ofTick: tick))
        // Fails only once the loop is shut down: its timers are gone with it.
        armed = try? eventLoop.scheduleCallback(at: deadline, handler: self)
        armedTick = armed == nil ? nil : tick
    }
}

extension EventLoopTimerWheel: NIOScheduledCallbackHandler {
    /// The armed tick: fires every timer due by now, then arms the next occupied tick.
    public func handleScheduledCallback(eventLoop: some EventLoop) {
        armedTick = nil
        armed = nil
        let now = NIODeadline.now().uptimeNanoseconds
        while let body = wheel.popExpired(now: now) { body() }
        arm()
    }

    /// Our own re-arming, or the loop shutting down: then the pending timers are dropped, as NIO
    /// drops its scheduled tasks (and the cycles their closures hold are broken).
    public func didCancelScheduledCallback(eventLoop: some EventLoop) {
        guard !rearming else { return }
        armedTick = nil
        armed = nil
        wheel = TimerWheel(origin: wheel.origin, resolution: wheel.resolution, slotCount: wheel.slotCount)
    }
}

extension EventLoopTimerWheel {
    private static let registry = NIOLockedValueBox<[ObjectIdentifier: WeakWheel]>([:])

    private struct WeakWheel {
        weak var wheel: EventLoopTimerWheel?
    }

    /// The wheel of `loop`, created at the first call; it lives while anyone (a shard, a pending
    /// timer's tick) holds it. Takes a lock: call it once per owner, not per timer.
    public static func shared(for loop: any EventLoop) -> EventLoopTimerWheel {
        registry.withLockedValue { table in
            let key = ObjectIdentifier(loop)
            if let wheel = table[key]?.wheel, wheel.eventLoop === loop { return wheel }
            table = table.filter { $0.value.wheel != nil }
            let wheel = EventLoopTimerWheel(eventLoop: loop)
            table[key] = WeakWheel(wheel: wheel)
            return wheel
        }
    }
}
