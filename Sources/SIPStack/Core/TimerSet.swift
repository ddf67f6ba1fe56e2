import NIOCore
import SIPTransaction

/// The running timers of one transaction: at most one per name; starting a running timer
/// replaces it (SIPTransaction's contract).
struct TimerSet {
    private var running: [(TransactionTimer, Scheduled<Void>)] = []

    mutating func start(_ timer: TransactionTimer, after delay: Duration, on loop: any EventLoop, _ body: @escaping () -> Void) {
        cancel(timer)
        let scheduled = loop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: TimeAmount(delay), body)
        running.append((timer, scheduled))
    }

    mutating func cancel(_ timer: TransactionTimer) {
        guard let index = running.firstIndex(where: { $0.0 == timer }) else { return }
        running[index].1.cancel()
        running.remove(at: index)
    }

    mutating func cancelAll() {
        for (_, scheduled) in running { scheduled.cancel() }
        running.removeAll()
    }
}
