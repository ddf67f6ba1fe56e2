import B2BUA
import Foundation
import SQLiteSupport

extension SQLiteCallRecordStore {
    static let columns = """
        id, call_id, outcome, caller, called, route, started_ms, answered_ms, ended_ms, ended_by, status, q850_cause, \
        caller_codec, callee_codec, legs, dtmf
        """

    /// A row as a record. Rows are ours, but a hand-edited file must not trap: unknown values
    /// read as nil or as ``CallOutcome/interrupted``, malformed legs as none.
    static func record(_ row: SQLiteRow) -> StoredCallRecord {
        StoredCallRecord(
            id: row.int(0), outcome: row.text(2).flatMap(CallOutcome.init(rawValue:)) ?? .interrupted,
            callID: row.text(1) ?? "", caller: row.text(3) ?? "", called: row.text(4) ?? "", route: row.text(5),
            started: date(row.int(6)), answered: row.isNull(7) ? nil : date(row.int(7)),
            ended: row.isNull(8) ? nil : date(row.int(8)), endedBy: row.text(9).flatMap(CallRecord.Party.init(rawValue:)),
            status: row.isNull(10) ? nil : Int(row.int(10)), q850Cause: row.isNull(11) ? nil : UInt16(clamping: row.int(11)),
            callerCodec: row.text(12), calleeCodec: row.text(13), legs: decodeLegs(row.text(14) ?? "[]"),
            dtmf: (try? JSONDecoder().decode([String].self, from: Data((row.text(15) ?? "[]").utf8))) ?? [])
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }

    static func decodeLegs(_ text: String) -> [StoredCallRecord.Leg] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return (try? decoder.decode([StoredCallRecord.Leg].self, from: Data(text.utf8))) ?? []
    }
}
