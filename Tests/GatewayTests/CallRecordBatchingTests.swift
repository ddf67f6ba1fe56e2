@testable import B2BUA
import CallRecords
import Foundation
import Logging
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
        func callsEnded(_ records: [CallRecord]) throws {
            Thread.sleep(forTimeInterval: 0.02)
            writes.withLock { $0 += 1 }
            written.withLock { $0 += records.map(\.callID) }
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
}
