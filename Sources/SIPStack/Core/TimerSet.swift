import NIOCore
import SIPTransaction

/// The running timers of one transaction: at most one per name; starting a running timer
/// replaces it (SIPTransaction's contract).
///
/// Cancelling only disarms: the scheduled task stays in the event loop's queue and does nothing
/// when it fires. Removing a task from NIO's timer heap searches it linearly, and with tens of
/// thousands of transactions lingering (Timers J, L, M run 32 s) that search cost more than the
/// rest of a call; a stale firing costs one dictionary-free check.
struct TimerSet {
    private var armed: [(timer: TransactionTimer, generation: UInt32)] = []
    private var nextGeneration: UInt32 = 0

    /// Schedules `body` after `delay`; it runs only if `timer` is still armed with this
    /// generation then (check with ``fire(_:generation:)``).
    mutating func start(
        _ timer: TransactionTimer, after delay: Duration, on loop: any EventLoop, _ body: @escaping (UInt32) -> Void
    ) {
        cancel(timer)
        nextGeneration &+= 1
        let generation = nextGeneration
        armed.append((timer, generation))
        loop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: TimeAmount(delay)) { body(generation) }
    }

    /// True (and disarms the timer) when `timer` is armed with `generation`: the firing is live.
    mutating func fire(_ timer: TransactionTimer, generation: UInt32) -> Bool {
        guard let index = armed.firstIndex(where: { $0.timer == timer && $0.generation == generation }) else { return false }
        armed.remove(at: index)
        return true
    }

    mutating func cancel(_ timer: TransactionTimer) {
        armed.removeAll { $0.timer == timer }
    }

    mutating func cancelAll() {
        armed.removeAll()
    }
}
