import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Gateway

/// Group commit: items that arrive within the window (or while a commit runs) share one commit,
/// within the batch-size bound; each completion runs once, true only after its commit.
@Suite(.timeLimit(.minutes(1))) struct GroupCommitterTests {
    /// What a committer did: the batches it was handed, and each item's completions.
    final class Log: Sendable {
        let batches = Mutex<[[Int]]>([])
        /// Commits begun.
        let started = Mutex(0)
        let outcomes = Mutex<[Int: [Bool]]>([:])

        func done(_ item: Int) -> GroupCommitter<Int>.Completion {
            { ok in self.outcomes.withLock { $0[item, default: []].append(ok) } }
        }

        var completed: Int { outcomes.withLock { $0.values.reduce(0) { $0 + $1.count } } }

        /// Waits (polling, 5 s at most) until a commit began.
        func waitForACommit() async throws {
            for _ in 0..<500 where started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }

        /// Waits (polling, 5 s at most) until `count` completions ran.
        func waitForCompletions(_ count: Int) async throws {
            for _ in 0..<500 where completed < count { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// Holds every commit on its pool thread until the test opens it, so what a test checks
    /// "while a commit runs" cannot race a timer on a loaded machine (a 50 ms sleep did).
    final class Gate: Sendable {
        let isOpen = Mutex(false)

        func wait() {
            while !isOpen.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.001) }
        }

        func open() { isOpen.withLock { $0 = true } }
    }

    static func pool() -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }

    static func committer(_ log: Log, pool: NIOThreadPool, maxBatch: Int = 256, maxQueued: Int = .max,
                          window: GroupCommitter<Int>.Window?, gate: Gate? = nil, succeeds: Bool = true,
                          screen: GroupCommitter<Int>.Screen? = nil) -> GroupCommitter<Int> {
        GroupCommitter(pool: pool, maxBatch: maxBatch, maxQueued: maxQueued, window: window, screen: screen) { batch in
            log.started.withLock { $0 += 1 }
            gate?.wait()
            log.batches.withLock { $0.append(batch) }
            return Array(repeating: succeeds, count: batch.count)
        }
    }

    @Test func itemsWithinTheWindowShareOneCommit() async throws {
        let (group, pool, log) = (MultiThreadedEventLoopGroup(numberOfThreads: 1), Self.pool(), Log())
        defer { shutDown(group, pool) }
        let committer = Self.committer(log, pool: pool, window: .init(length: .milliseconds(300), loop: group.next()))
        for item in 0..<100 { committer.submit(item, done: log.done(item)) }
        try await log.waitForCompletions(100)
        #expect(log.batches.withLock { $0 } == [Array(0..<100)])
        #expect(log.outcomes.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<100).map { ($0, [true]) }))
        #expect(committer.counts == (batches: 1, items: 100))
    }

    @Test func aLoneItemWaitsForTheWindowOnly() async throws {
        let (group, pool, log) = (MultiThreadedEventLoopGroup(numberOfThreads: 1), Self.pool(), Log())
        defer { shutDown(group, pool) }
        let committer = Self.committer(log, pool: pool, window: .init(length: .milliseconds(100), loop: group.next()))
        let started = ContinuousClock.now
        committer.submit(7, done: log.done(7))
        try await log.waitForCompletions(1)
        let waited = ContinuousClock.now - started
        #expect(log.outcomes.withLock { $0 } == [7: [true]])
        #expect(waited >= .milliseconds(95))
        #expect(waited < .seconds(3))
    }

    @Test func aFullBatchIsCommittedWithoutWaitingForTheWindow() async throws {
        let (group, pool, log) = (MultiThreadedEventLoopGroup(numberOfThreads: 1), Self.pool(), Log())
        defer { shutDown(group, pool) }
        let committer = Self.committer(log, pool: pool, maxBatch: 8, window: .init(length: .seconds(30), loop: group.next()))
        for item in 0..<20 { committer.submit(item, done: log.done(item)) }
        try await log.waitForCompletions(16)
        // The two full batches went at once; the last 4 wait for the window (30 s) or a flush.
        #expect(log.batches.withLock { $0 } == [Array(0..<8), Array(8..<16)])
        await committer.flush()
        #expect(log.batches.withLock { $0 } == [Array(0..<8), Array(8..<16), Array(16..<20)])
        #expect(log.outcomes.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<20).map { ($0, [true]) }))
    }

    @Test func withoutAWindowALoneItemIsCommittedAtOnceAndLaterOnesGather() async throws {
        let (pool, log) = (Self.pool(), Log())
        defer { shutDown(nil, pool) }
        let gate = Gate()
        let committer = Self.committer(log, pool: pool, window: nil, gate: gate)
        committer.submit(0, done: log.done(0))
        // Queued while the first commit runs: together in the next one.
        try await log.waitForACommit()
        for item in 1...10 { committer.submit(item, done: log.done(item)) }
        gate.open()
        try await log.waitForCompletions(11)
        #expect(log.batches.withLock { $0 } == [[0], Array(1...10)])
    }

    @Test func aFailedCommitFailsEveryItemInItOnce() async throws {
        let (group, pool, log) = (MultiThreadedEventLoopGroup(numberOfThreads: 1), Self.pool(), Log())
        defer { shutDown(group, pool) }
        let committer = Self.committer(log, pool: pool, window: .init(length: .milliseconds(200), loop: group.next()),
                                       succeeds: false)
        for item in 0..<30 { committer.submit(item, done: log.done(item)) }
        await committer.flush()
        #expect(log.batches.withLock { $0 } == [Array(0..<30)])
        #expect(log.outcomes.withLock { $0 } == Dictionary(uniqueKeysWithValues: (0..<30).map { ($0, [false]) }))
    }

    @Test func refusedItemsAreNeitherWrittenNorSeenAsUncommitted() async throws {
        let (pool, log) = (Self.pool(), Log())
        defer { shutDown(nil, pool) }
        let gate = Gate()
        let committer = Self.committer(log, pool: pool, window: nil, gate: gate, screen: { $0.isMultiple(of: 2) })
        committer.submit(100, done: log.done(100))
        try await log.waitForACommit()
        for item in 0..<6 { committer.submit(item, done: log.done(item)) }
        #expect(committer.withUncommitted { $0 } == [100, 0, 1, 2, 3, 4, 5])
        gate.open()
        try await log.waitForCompletions(7)
        #expect(log.batches.withLock { $0 } == [[100], [0, 2, 4]])
        #expect(log.started.withLock { $0 } == 2)
        #expect(log.outcomes.withLock { $0 } == [100: [true], 0: [true], 1: [false], 2: [true], 3: [false], 4: [true], 5: [false]])
        #expect(committer.withUncommitted { $0 }.isEmpty)
    }

    @Test func pastMaxQueuedASubmissionIsRefused() async throws {
        let (group, pool, log) = (MultiThreadedEventLoopGroup(numberOfThreads: 1), Self.pool(), Log())
        defer { shutDown(group, pool) }
        let committer = Self.committer(log, pool: pool, maxQueued: 5, window: .init(length: .seconds(30), loop: group.next()))
        let accepted = (0..<6).map { committer.submit($0, done: log.done($0)) }
        #expect(accepted == [true, true, true, true, true, false])
        await committer.flush()
        #expect(log.batches.withLock { $0 } == [Array(0..<5)])
        #expect(log.outcomes.withLock { $0[5] } == nil)
    }

    @Test func aFlushWithNothingQueuedReturnsAtOnce() async throws {
        let (pool, log) = (Self.pool(), Log())
        defer { shutDown(nil, pool) }
        let committer = Self.committer(log, pool: pool, window: nil)
        await committer.flush()
        #expect(committer.counts == (batches: 0, items: 0))
    }

    @Test func aStoppedPoolFailsWhatIsQueued() async throws {
        let (group, pool, log) = (MultiThreadedEventLoopGroup(numberOfThreads: 1), Self.pool(), Log())
        defer { shutDown(group) }
        let committer = Self.committer(log, pool: pool, window: .init(length: .milliseconds(50), loop: group.next()))
        try await pool.shutdownGracefully()
        for item in 0..<3 { committer.submit(item, done: log.done(item)) }
        try await log.waitForCompletions(3)
        #expect(log.outcomes.withLock { $0 } == [0: [false], 1: [false], 2: [false]])
        #expect(log.batches.withLock { $0 }.isEmpty)
    }
}

/// Stops a test's event loops and pool (blocking: from a `defer` of an async test).
func shutDown(_ group: MultiThreadedEventLoopGroup?, _ pool: NIOThreadPool? = nil) {
    try? group?.syncShutdownGracefully()
    try? pool?.syncShutdownGracefully()
}
