#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import MediaRelay

/// The media engine's own event loop as a NIO `EventLoop`, and its address values.
@Suite(.timeLimit(.minutes(1))) struct MediaIOLoopTests {
    func makeLoop() throws -> MediaIOLoop {
        let loop = try MediaIOLoop(name: "test-media", tickInterval: .milliseconds(10), timeoutCheckInterval: .milliseconds(100), batch: 4)
        loop.start()
        return loop
    }

    @Test func runsSubmittedWorkOnItsOwnThread() async throws {
        let loop = try makeLoop()
        #expect(!loop.inEventLoop)
        let inside = try await loop.submit { loop.inEventLoop }.get()
        #expect(inside)
        #expect(loop.threadID != 0)
        let bound = try await loop.submit { NIOLoopBound(41, eventLoop: loop) }.get()
        #expect(try await loop.submit { bound.value + 1 }.get() == 42)
        loop.stop()
    }

    @Test func aSteadyStreamOfTasksNeedsFewWakeSignals() async throws {
        let loop = try MediaIOLoop(name: "test-media", tickInterval: .milliseconds(10), timeoutCheckInterval: .milliseconds(100),
                                   batch: 4, coalescing: .milliseconds(1))
        loop.start()
        let ran = NIOLockedValueBox(0)
        // A task every ≈ 100 µs, as call setup at a few thousand calls/s queues them.
        for _ in 0..<300 {
            loop.execute { ran.withLockedValue { $0 += 1 } }
            usleep(100)
        }
        #expect(try await loop.submit { ran.withLockedValue { $0 } }.get() == 300, "every task ran, in order")
        let signals = loop.wakeSignals.load(ordering: .relaxed)
        #expect(signals < 30, "the loop polled by itself while tasks kept coming: \(signals) signals")
        // Once idle, the next task wakes it at once.
        try await Task.sleep(for: .milliseconds(50))
        // (The wake signal is the check: with a 10 ms tick, a time bound could not tell a woken
        // loop from one that polled by itself, and it failed under a parallel run's load.)
        let before = loop.wakeSignals.load(ordering: .relaxed)
        try await loop.submit {}.get()
        #expect(loop.wakeSignals.load(ordering: .relaxed) == before + 1)
        loop.stop()
    }

    @Test func scheduledTasksFireInOrderAndCancelledOnesNever() async throws {
        let loop = try makeLoop()
        let order = NIOLockedValueBox<[Int]>([])
        let start = NIODeadline.now()
        let late = loop.scheduleTask(in: .milliseconds(60)) { order.withLockedValue { $0.append(2) } }
        let early = loop.scheduleTask(in: .milliseconds(20)) { order.withLockedValue { $0.append(1) } }
        let cancelled = loop.scheduleTask(in: .milliseconds(30)) { order.withLockedValue { $0.append(99) } }
        cancelled.cancel()
        try await early.futureResult.get()
        try await late.futureResult.get()
        #expect(NIODeadline.now() - start >= .milliseconds(60))
        await #expect(throws: EventLoopError.cancelled) { try await cancelled.futureResult.get() }
        #expect(order.withLockedValue { $0 } == [1, 2])
        loop.stop()
    }

    @Test func mediaAddressRoundTripsAndComparesHosts() throws {
        let v4 = try SocketAddress(ipAddress: "192.0.2.7", port: 40000)
        let v6 = try SocketAddress(ipAddress: "2001:db8::7", port: 40002)
        let a = try #require(MediaAddress(v4))
        let b = try #require(MediaAddress(v6))
        #expect(a.socketAddress == v4 && b.socketAddress == v6)
        #expect(!a.isIPv6 && b.isIPv6 && a.port == 40000)
        #expect(a.rtcpNeighbour?.socketAddress == (try SocketAddress(ipAddress: "192.0.2.7", port: 40001)))
        #expect(a.sameHost(as: try #require(MediaAddress(try SocketAddress(ipAddress: "192.0.2.7", port: 5)))))
        #expect(!a.sameHost(as: try #require(MediaAddress(try SocketAddress(ipAddress: "192.0.2.8", port: 40000)))))
        #expect(MediaAddress(try SocketAddress(unixDomainSocketPath: "/tmp/x")) == nil)
    }
}
