@testable import B2BUA
import CallRecords
import Foundation
import Logging
import NIOPosix
import Synchronization
import Testing
@testable import Gateway

/// The CDR sink queues records and writes them in batches on the storage pool: while one
/// (slow) commit runs, the next records gather for the following one.
@Suite(.timeLimit(.minutes(1))) struct CallRecordBatchingTests {
    /// A store whose every write takes 20 ms (a slow fsync), counting its writes.
    final class SlowStore: CallRecordStore {
        let written = Mutex<[String]>([])
        let writes = Mutex(0)
        func callStarted(_ start: CallStart) throws {}
        func callEnded(_ record: CallRecord) throws { try callsEnded([record]) }
        func callsEnded(_ records: [CallRecord]) throws { try apply(records.map(CallRecordChange.ended)) }
        func apply(_ changes: [CallRecordChange]) throws {
            Thread.sleep(forTimeInterval: 0.02)
            writes.withLock { $0 += 1 }
            written.withLock { $0 += changes.map(\.callID) }
        }
        func closeInterrupted(at time: Date) throws -> Int { 0 }
        func records(matching filter: CallRecordFilter) throws -> [StoredCallRecord] { [] }
    }

    static func record(_ callID: String) -> CallRecord {
        let now = Date()
        return CallRecord(callID: callID, caller: "door", called: "100", route: "r", legs: [], started: now, answered: now,
                          ended: now, endedBy: .caller, status: 200, q850Cause: 16, callerCodec: "PCMU/8000", calleeCodec: "PCMU/8000")
    }

    @Test func recordsAreWrittenInOrderInFewBatches() async throws {
        let store = SlowStore()
        let sink = StoreCallRecordSink(records: store, logger: Logger(label: "test"))
        let ids = (0..<300).map { "call-\($0)" }
        for id in ids { await sink.store(Self.record(id)) }
        for _ in 0..<200 where store.written.withLock({ $0.count }) < ids.count {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(store.written.withLock { $0 } == ids)
        // Queued in well under one write's 20 ms: the first write takes one record or a few,
        // the next the rest.
        #expect(store.writes.withLock { $0 } <= 5)
    }

    @Test func theRealStoreTakesABatchInOneTransaction() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-batch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteCallRecordStore(dataDirectory: directory)
        try store.callStarted(CallStart(callID: "b", caller: "door", called: "100", started: Date()))
        try store.callsEnded(["a", "b", "c"].map(Self.record))
        let rows = try store.records(matching: CallRecordFilter())
        #expect(Set(rows.map(\.callID)) == ["a", "b", "c"])
        #expect(rows.allSatisfy { $0.outcome == .answered })
    }

    /// The real store behind a gate: counts its transactions, and fails every write (all), or
    /// every transaction holding the record `poison` and that record alone.
    final class GatedStore: CallRecordStore {
        let store: SQLiteCallRecordStore
        let poison: String?
        let failAll: Bool
        let transactions = Mutex(0)
        /// The Call-IDs of the changes handed over, in order.
        let changes = Mutex<[String]>([])

        init(_ store: SQLiteCallRecordStore, poison: String? = nil, failAll: Bool = false) {
            (self.store, self.poison, self.failAll) = (store, poison, failAll)
        }

        struct Refused: Error {}

        func callStarted(_ start: CallStart) throws { try store.callStarted(start) }
        func callEnded(_ record: CallRecord) throws { try callsEnded([record]) }
        func callsEnded(_ records: [CallRecord]) throws { try apply(records.map(CallRecordChange.ended)) }
        func apply(_ changes: [CallRecordChange]) throws {
            transactions.withLock { $0 += 1 }
            self.changes.withLock { $0 += changes.map(\.callID) }
            guard !failAll, !changes.contains(where: { $0.callID == poison }) else { throw Refused() }
            try store.apply(changes)
        }
        func closeInterrupted(at time: Date) throws -> Int { try store.closeInterrupted(at: time) }
        func records(matching filter: CallRecordFilter) throws -> [StoredCallRecord] { try store.records(matching: filter) }
    }

    static func temporaryStore() throws -> (SQLiteCallRecordStore, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-group-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (try SQLiteCallRecordStore(dataDirectory: directory), directory)
    }

    /// Each record's completions, by Call-ID.
    final class Outcomes: Sendable {
        let byCallID = Mutex<[String: [Bool]]>([:])
        func done(_ callID: String) -> GroupCommitter<CallRecordChange>.Completion {
            { ok in self.byCallID.withLock { $0[callID, default: []].append(ok) } }
        }
    }

    @Test func theCallsEndingWithinTheWindowShareOneTransaction() async throws {
        let (sqlite, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutDown(group) }
        let store = GatedStore(sqlite)
        let sink = StoreCallRecordSink(records: store, logger: Logger(label: "test"), loop: group.next(), window: .milliseconds(300))
        let outcomes = Outcomes()
        let ids = (0..<200).map { "call-\($0)" }
        for id in ids { sink.enqueue(.ended(Self.record(id)), done: outcomes.done(id)) }
        for _ in 0..<500 where outcomes.byCallID.withLock({ $0.count }) < ids.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(store.transactions.withLock { $0 } == 1)
        #expect(outcomes.byCallID.withLock { $0 } == Dictionary(uniqueKeysWithValues: ids.map { ($0, [true]) }))
        let rows = try sqlite.records(matching: CallRecordFilter(limit: 1000))
        #expect(rows.map(\.callID).sorted() == ids.sorted())
    }

    @Test func aFailedBatchIsWrittenAgainRecordByRecordNoneLostOrDuplicated() async throws {
        let (sqlite, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutDown(group) }
        let store = GatedStore(sqlite, poison: "call-3")
        let sink = StoreCallRecordSink(records: store, logger: Logger(label: "test"), loop: group.next(), window: .seconds(30))
        let outcomes = Outcomes()
        let ids = (0..<10).map { "call-\($0)" }
        for id in ids { sink.enqueue(.ended(Self.record(id)), done: outcomes.done(id)) }
        await sink.flush()
        // One batch, failed, then each record alone: 1 + 10 transactions.
        #expect(store.transactions.withLock { $0 } == 11)
        var expected = Dictionary(uniqueKeysWithValues: ids.map { ($0, [true]) })
        expected["call-3"] = [false]
        #expect(outcomes.byCallID.withLock { $0 } == expected)
        let rows = try sqlite.records(matching: CallRecordFilter(limit: 1000))
        #expect(rows.map(\.callID).sorted() == ids.filter { $0 != "call-3" }.sorted())
    }

    @Test func aStoreThatFailsFailsEveryRecordAndWritesNone() async throws {
        let (sqlite, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutDown(group) }
        let sink = StoreCallRecordSink(records: GatedStore(sqlite, failAll: true), logger: Logger(label: "test"),
                                       loop: group.next(), window: .seconds(30))
        let outcomes = Outcomes()
        let ids = (0..<5).map { "call-\($0)" }
        for id in ids { sink.enqueue(.ended(Self.record(id)), done: outcomes.done(id)) }
        await sink.flush()
        #expect(outcomes.byCallID.withLock { $0 } == Dictionary(uniqueKeysWithValues: ids.map { ($0, [false]) }))
        #expect(try sqlite.records(matching: CallRecordFilter()).isEmpty)
    }

    // MARK: - In-progress rows (issue 6: calls in progress at a crash are closed as such)

    static func start(_ callID: String) -> CallStart {
        CallStart(callID: callID, caller: "door", called: "100", route: "r", started: Date())
    }

    @Test func aStartedCallIsInProgressUntilItEndsAndInterruptedAfterACrash() async throws {
        let (sqlite, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutDown(group) }
        let sink = StoreCallRecordSink(records: sqlite, logger: Logger(label: "test"), loop: group.next(), window: .seconds(30))
        sink.started(Self.start("long"))
        sink.started(Self.start("crashed"))
        await sink.flush()
        #expect(try sqlite.records(matching: CallRecordFilter()).map(\.outcome) == [.inProgress, .inProgress])
        sink.submit(Self.record("long"))
        sink.finished(callID: "long")
        await sink.flush()
        // Completed in place: still two rows.
        let rows = try sqlite.records(matching: CallRecordFilter())
        #expect(rows.count == 2)
        #expect(rows.first { $0.callID == "long" }?.outcome == .answered)
        // The gateway starts again: what was open is closed as interrupted.
        #expect(try sqlite.closeInterrupted(at: Date()) == 1)
        #expect(try sqlite.records(matching: CallRecordFilter(outcome: .interrupted)).map(\.callID) == ["crashed"])
    }

    @Test func aCallStartedAndEndedInOneBatchIsOneRowWrite() async throws {
        let (sqlite, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutDown(group) }
        let store = GatedStore(sqlite)
        let sink = StoreCallRecordSink(records: store, logger: Logger(label: "test"), loop: group.next(), window: .seconds(30))
        sink.started(Self.start("quick"))
        sink.started(Self.start("refused"))
        sink.submit(Self.record("quick"))
        sink.finished(callID: "quick")
        // Ended without a record (no media ports): its start is discarded.
        sink.finished(callID: "refused")
        await sink.flush()
        #expect(store.transactions.withLock { $0 } == 1)
        #expect(store.changes.withLock { $0 } == ["quick", "refused", "quick", "refused"])
        let rows = try sqlite.records(matching: CallRecordFilter())
        #expect(rows.map(\.callID) == ["quick"])
        #expect(rows.first?.outcome == .answered)
    }

    @Test func aStartWrittenEarlierIsDiscardedWhenTheCallEndsWithoutARecord() async throws {
        let (sqlite, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { shutDown(group) }
        let sink = StoreCallRecordSink(records: sqlite, logger: Logger(label: "test"), loop: group.next(), window: .seconds(30))
        sink.started(Self.start("refused"))
        await sink.flush()
        #expect(try sqlite.records(matching: CallRecordFilter()).count == 1)
        sink.finished(callID: "refused")
        // A second end is ignored (nothing queued).
        sink.finished(callID: "refused")
        #expect(sink.committer.withUncommitted { $0 } == [.discarded(callID: "refused")])
        await sink.flush()
        #expect(try sqlite.records(matching: CallRecordFilter()).isEmpty)
    }
}
