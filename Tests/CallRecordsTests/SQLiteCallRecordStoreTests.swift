import Foundation
import Testing
@testable import B2BUA
@testable import CallRecords

/// The call-record store on a real SQLite file in a temporary data directory.
@Suite struct SQLiteCallRecordStoreTests {
    let directory: String
    let t0 = Date(timeIntervalSince1970: 1_900_000_000)

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("calls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func record(_ callID: String, caller: String = "front-door", called: String = "101", start: Double = 0,
                answered: Bool = true, endedBy: CallRecord.Party = .callee) -> CallRecord {
        let started = t0.addingTimeInterval(start)
        let legs = [
            CallRecord.LegRecord(target: "alice", contact: "sip:alice@192.0.2.10:5062", attempt: 0, outcome: "no_answer",
                                 status: 487, started: started, ended: started.addingTimeInterval(20)),
            CallRecord.LegRecord(target: "carrier", contact: nil, attempt: 1, outcome: answered ? "200" : "486",
                                 status: answered ? 200 : 486, started: started.addingTimeInterval(20),
                                 ended: started.addingTimeInterval(95)),
        ]
        return CallRecord(callID: callID, caller: caller, called: called, route: "door to resident", legs: legs,
                          started: started, answered: answered ? started.addingTimeInterval(25) : nil,
                          ended: started.addingTimeInterval(95), endedBy: endedBy, status: answered ? 200 : 486,
                          q850Cause: answered ? 16 : 17, callerCodec: "PCMU/8000", calleeCodec: answered ? "PCMA/8000" : nil)
    }

    @Test func aStartedCallIsCompletedInPlace() throws {
        let store = try SQLiteCallRecordStore(dataDirectory: directory)
        #expect(try store.schemaVersion() == 2)
        #expect(try store.journalMode() == "wal")
        try store.callStarted(CallStart(callID: "call-1", caller: "front-door", called: "101", started: t0))
        let open = try store.records(matching: CallRecordFilter())
        #expect(open.count == 1)
        #expect(open.first?.outcome == .inProgress)
        #expect(open.first?.ended == nil)
        try store.callEnded(record("call-1"))
        let rows = try store.records(matching: CallRecordFilter())
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.id == open.first?.id)
        #expect(row.outcome == .answered)
        #expect(row.route == "door to resident")
        #expect(row.endedBy == .callee)
        #expect(row.status == 200)
        #expect(row.q850Cause == 16)
        #expect(row.calleeCodec == "PCMA/8000")
        #expect(row.billableSeconds == 70)
        #expect(row.legs == record("call-1").legs.map(StoredCallRecord.Leg.init))
    }

    @Test func doorActionsAndDigitRoutesArePersisted() throws {
        let store = try SQLiteCallRecordStore(dataDirectory: directory)
        var ended = record("door-1")
        ended.dtmf = ["door opened by alice at 2026-11-22T07:00:00Z", "digit 1 from b by rfc4733 to a by info"]
        try store.callEnded(ended)
        try store.callEnded(record("plain-1", start: 10))
        let rows = try store.records(matching: CallRecordFilter())
        #expect(rows.first { $0.callID == "door-1" }?.dtmf == ended.dtmf)
        #expect(rows.first { $0.callID == "plain-1" }?.dtmf == [])
    }

    @Test func anEndWithoutAStartIsInserted() throws {
        let store = try SQLiteCallRecordStore(dataDirectory: directory)
        try store.callEnded(record("call-2", answered: false, endedBy: .gateway))
        let rows = try store.records(matching: CallRecordFilter())
        #expect(rows.map(\.outcome) == [.failed])
        #expect(rows.first?.answered == nil)
        #expect(rows.first?.billableSeconds == 0)
    }

    @Test func callsOpenAtACrashAreClosedAtStartUp() throws {
        do {
            let store = try SQLiteCallRecordStore(dataDirectory: directory)
            try store.callStarted(CallStart(callID: "open-1", caller: "alice", called: "0701234567", started: t0))
            try store.callStarted(CallStart(callID: "done-1", caller: "front-door", called: "101", started: t0.addingTimeInterval(1)))
            try store.callEnded(record("done-1", start: 1))
        }
        // The process "crashed": a new store on the same file, as at the next start.
        let reopened = try SQLiteCallRecordStore(dataDirectory: directory)
        #expect(try reopened.schemaVersion() == 2)
        let restart = t0.addingTimeInterval(3600)
        #expect(try reopened.closeInterrupted(at: restart) == 1)
        #expect(try reopened.closeInterrupted(at: restart) == 0)
        let interrupted = try reopened.records(matching: CallRecordFilter(outcome: .interrupted))
        #expect(interrupted.map(\.callID) == ["open-1"])
        #expect(interrupted.first?.ended == restart)
        #expect(interrupted.first?.endedBy == nil)
        #expect(try reopened.records(matching: CallRecordFilter(outcome: .answered)).map(\.callID) == ["done-1"])
        // A late end for the interrupted call does not reopen it: it is added as its own row.
        try reopened.callEnded(record("open-1", caller: "alice", called: "0701234567"))
        #expect(try reopened.records(matching: CallRecordFilter(caller: "alice")).map(\.outcome) == [.answered, .interrupted])
    }

    @Test func listsWithFiltersNewestFirst() throws {
        let store = try SQLiteCallRecordStore(dataDirectory: directory, durable: false)
        try store.callEnded(record("a", caller: "front-door", called: "101", start: 0))
        try store.callEnded(record("b", caller: "alice", called: "0701234567", start: 60, answered: false, endedBy: .caller))
        try store.callEnded(record("c", caller: "front-door", called: "102", start: 120, answered: false))
        try store.callStarted(CallStart(callID: "d", caller: "front-door", called: "101", started: t0.addingTimeInterval(180)))
        #expect(try store.records(matching: CallRecordFilter()).map(\.callID) == ["d", "c", "b", "a"])
        #expect(try store.records(matching: CallRecordFilter(caller: "front-door")).map(\.callID) == ["d", "c", "a"])
        #expect(try store.records(matching: CallRecordFilter(called: "101")).map(\.callID) == ["d", "a"])
        #expect(try store.records(matching: CallRecordFilter(outcome: .abandoned)).map(\.callID) == ["b"])
        #expect(try store.records(matching: CallRecordFilter(outcome: .failed)).map(\.callID) == ["c"])
        #expect(try store.records(matching: CallRecordFilter(outcome: .inProgress)).map(\.callID) == ["d"])
        let window = CallRecordFilter(from: t0.addingTimeInterval(60), until: t0.addingTimeInterval(180))
        #expect(try store.records(matching: window).map(\.callID) == ["c", "b"])
        #expect(try store.records(matching: CallRecordFilter(caller: "front-door", called: "101", outcome: .answered)).map(\.callID) == ["a"])
        #expect(try store.records(matching: CallRecordFilter(limit: 2)).map(\.callID) == ["d", "c"])
        #expect(try store.records(matching: CallRecordFilter(caller: "nobody")).isEmpty)
    }

    @Test func outcomeOfAFinishedRecord() {
        #expect(CallOutcome(record("x")) == .answered)
        #expect(CallOutcome(record("x", answered: false, endedBy: .caller)) == .abandoned)
        #expect(CallOutcome(record("x", answered: false, endedBy: .callee)) == .failed)
        #expect(CallOutcome(record("x", answered: false, endedBy: .gateway)) == .failed)
    }
}
