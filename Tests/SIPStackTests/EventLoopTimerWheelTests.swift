import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import SIPStack

/// The wheel on a real loop: one per loop, fires after the delay in order, cancels, and stops
/// ticking once empty.
@Suite struct EventLoopTimerWheelTests {
    @Test func oneWheelPerLoop() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        let loops = Array(group.makeIterator())
        let first = EventLoopTimerWheel.shared(for: loops[0])
        #expect(EventLoopTimerWheel.shared(for: loops[0]) === first)
        #expect(EventLoopTimerWheel.shared(for: loops[1]) !== first)
    }

    @Test func firesInOrderAfterItsDelayAndCancelsAndGoesIdle() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wheel = EventLoopTimerWheel.shared(for: loop)
        let fired = NIOLockedValueBox<[(Int, Int64)]>([])
        let done = loop.makePromise(of: Void.self)
        try await loop.submit {
            let start = NIODeadline.now()
            func record(_ id: Int) { fired.withLockedValue { $0.append((id, (NIODeadline.now() - start).nanoseconds)) } }
            wheel.schedule(in: .milliseconds(60)) {
                record(3)
                done.succeed()
            }
            wheel.schedule(in: .milliseconds(20)) {
                record(1)
                // Scheduled from a firing body: runs in a later tick.
                wheel.schedule(in: .zero) { record(2) }
            }
            let cancelled = wheel.schedule(in: .milliseconds(40)) { record(99) }
            wheel.schedule(in: .milliseconds(30)) { wheel.cancel(cancelled) }
            #expect(wheel.isArmed)
        }.get()
        try await done.futureResult.get()
        let result = fired.withLockedValue { $0 }
        #expect(result.map(\.0) == [1, 2, 3])
        #expect(result[0].1 >= 20_000_000)
        #expect(result[2].1 >= 60_000_000)
        let idle = try await loop.submit { (wheel.count, wheel.isArmed) }.get()
        #expect(idle.0 == 0)
        #expect(!idle.1)
        try await group.shutdownGracefully()
    }

    @Test func anEarlierTimerRearmsTheTick() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wheel = EventLoopTimerWheel.shared(for: loop)
        let done = loop.makePromise(of: Int64.self)
        try await loop.submit {
            let start = NIODeadline.now()
            let late = wheel.schedule(in: .seconds(30)) {}
            wheel.schedule(in: .milliseconds(15)) {
                done.succeed((NIODeadline.now() - start).nanoseconds)
                wheel.cancel(late)
            }
        }.get()
        let elapsed = try await done.futureResult.get()
        // Fired at its own time, not held back by the 30 s tick armed first.
        #expect(elapsed >= 15_000_000 && elapsed < 5_000_000_000)
        let count = try await loop.submit { wheel.count }.get()
        #expect(count == 0)
        try await group.shutdownGracefully()
    }

    @Test func shuttingTheLoopDownDropsThePendingTimers() async throws {
        final class Token: Sendable {}
        /// Read after `get()`/shutdown returned: ordered after the loop's writes.
        final class Tracker: @unchecked Sendable { weak var token: Token? }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wheel = EventLoopTimerWheel.shared(for: loop)
        let tracker = Tracker()
        try await loop.submit {
            let token = Token()
            tracker.token = token
            wheel.schedule(in: .seconds(60)) { _ = token }
        }.get()
        #expect(tracker.token != nil)
        try await group.shutdownGracefully()
        #expect(tracker.token == nil)
        #expect(wheel.count == 0)
    }
}
