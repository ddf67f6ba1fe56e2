import NIOCore
import SIPTransaction

/// The running timers of one transaction: at most one per name; starting a running timer
/// replaces it (SIPTransaction's contract). The timers live on the shard loop's
/// ``EventLoopTimerWheel``, where a cancel unlinks the timer in O(1) (NIO's scheduled-task heap
/// searched linearly for it, which is why this used to only disarm).
struct TimerSet {
    private var armed: [(timer: TransactionTimer, generation: UInt32, handle: TimerHandle)] = []
    private var nextGeneration: UInt32 = 0

    /// Schedules `body` after `delay` on `wheel`; it runs only if `timer` is still armed with this
    /// generation then (check with ``fire(_:generation:)``).
    mutating func start(
        _ timer: TransactionTimer, after delay: Duration, on wheel: EventLoopTimerWheel, _ body: @escaping (UInt32) -> Void
    ) {
        cancel(timer, on: wheel)
        nextGeneration &+= 1
        let generation = nextGeneration
        let handle = wheel.schedule(after: delay) { body(generation) }
        armed.append((timer, generation, handle))
    }

    /// True (and disarms the timer) when `timer` is armed with `generation`: the firing is live.
    mutating func fire(_ timer: TransactionTimer, generation: UInt32) -> Bool {
        guard let index = armed.firstIndex(where: { $0.timer == timer && $0.generation == generation }) else { return false }
        armed.remove(at: index)
        return true
    }

    mutating func cancel(_ timer: TransactionTimer, on wheel: EventLoopTimerWheel) {
        guard let index = armed.firstIndex(where: { $0.timer == timer }) else { return }
        wheel.cancel(armed.remove(at: index).handle)
    }

    mutating func cancelAll(on wheel: EventLoopTimerWheel) {
        for entry in armed { wheel.cancel(entry.handle) }
        armed.removeAll()
    }
}
