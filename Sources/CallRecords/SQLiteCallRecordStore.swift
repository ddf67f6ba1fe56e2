import B2BUA
import Foundation
import SQLiteSupport
import Synchronization

/// The embedded call-record store: `calls.sqlite` in the data directory (a file of its own, so
/// call records never wait on a REGISTER's write), WAL journal, schema versions in
/// `schema_migrations`. Times are stored in milliseconds since 1970; legs as a JSON array.
public final class SQLiteCallRecordStore: CallRecordStore {
    /// The file name inside the data directory.
    public static let fileName = "calls.sqlite"
    /// Schema migrations, applied in order; index + 1 is the version.
    static let migrations: [String] = [
        """
        CREATE TABLE call_records (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            call_id TEXT NOT NULL, outcome TEXT NOT NULL, caller TEXT NOT NULL, called TEXT NOT NULL, route TEXT,
            started_ms INTEGER NOT NULL, answered_ms INTEGER, ended_ms INTEGER, ended_by TEXT, status INTEGER,
            q850_cause INTEGER, caller_codec TEXT, callee_codec TEXT, legs TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX call_records_started ON call_records (started_ms);
        CREATE INDEX call_records_open ON call_records (call_id) WHERE outcome = 'in_progress';
        """,
        // Door actions and DTMF routes (CallRecord.dtmf), a JSON array of strings.
        "ALTER TABLE call_records ADD COLUMN dtmf TEXT NOT NULL DEFAULT '[]';",
    ]

    private let connection: Mutex<SQLiteConnection>
    /// The database file's path.
    public let path: String

    /// Opens (creating when needed) the store in `dataDirectory`, which must exist.
    /// - Parameter durable: `synchronous=FULL` when true, `NORMAL` (safe against a crash of the
    ///   process, not of the machine) when false.
    public init(dataDirectory: String, durable: Bool = true) throws {
        path = SQLiteConnection.path(of: Self.fileName, in: dataDirectory)
        connection = Mutex(try SQLiteConnection(storeAt: path, durable: durable, migrations: Self.migrations))
    }

    /// The schema version in the file.
    public func schemaVersion() throws -> Int64 { try connection.withLock { try $0.schemaVersion() } }

    /// The journal mode in force (`wal`).
    public func journalMode() throws -> String { try connection.withLock { try $0.journalMode() } }

    public func callStarted(_ start: CallStart) throws {
        try connection.withLock { db in try Self.writeStarted(db, start) }
    }

    static func writeStarted(_ db: SQLiteConnection, _ start: CallStart) throws {
        try db.run("""
            INSERT INTO call_records (call_id, outcome, caller, called, route, started_ms) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(start.callID), .text(CallOutcome.inProgress.rawValue), .text(start.caller), .text(start.called),
                  text(start.route), .int(milliseconds(start.started))])
    }

    public func callEnded(_ record: CallRecord) throws {
        try callsEnded([record])
    }

    /// Every record in one transaction: one commit (one fsync with `synchronous=FULL`) for the
    /// batch, so a busy gateway's records cost one disk flush per batch, not per call.
    public func callsEnded(_ records: [CallRecord]) throws {
        try apply(records.map(CallRecordChange.ended))
    }

    /// Every change in one transaction. A start followed in the same batch by its call's end is
    /// not written (the end adds the finished row), nor one followed by its discard.
    public func apply(_ changes: [CallRecordChange]) throws {
        guard !changes.isEmpty else { return }
        var closed: Set<String> = []
        for change in changes {
            if case .started = change { continue }
            closed.insert(change.callID)
        }
        var startedHere: Set<String> = []
        let writes: [Write] = changes.compactMap { change in
            switch change {
            case .started(let start):
                guard !closed.contains(start.callID) else {
                    startedHere.insert(start.callID)
                    return nil
                }
                return .start(start)
            case .ended(let record):
                let (values, callID) = Self.endedValues(record)
                return .end(values, callID)
            case .discarded(let callID):
                return startedHere.contains(callID) ? nil : .discard(callID)
            }
        }
        guard !writes.isEmpty else { return }
        try connection.withLock { db in
            try db.transaction {
                for write in writes {
                    switch write {
                    case .start(let start): try Self.writeStarted(db, start)
                    case .end(let values, let callID): try Self.writeEnded(db, values: values, callID: callID)
                    case .discard(let callID):
                        try db.run("DELETE FROM call_records WHERE call_id = ? AND outcome = 'in_progress'", [.text(callID)])
                    }
                }
            }
        }
    }

    /// A change as the statement it needs (values worked out before the lock is taken).
    enum Write {
        case start(CallStart)
        case end([SQLiteValue], String)
        case discard(String)
    }

    static func endedValues(_ record: CallRecord) -> ([SQLiteValue], String) {
        let legs = CallRecordJSON.legs(record.legs.map(StoredCallRecord.Leg.init))
        let dtmf = CallRecordJSON.strings(record.dtmf)
        let values: [SQLiteValue] = [
            .text(CallOutcome(record).rawValue), .text(record.caller), .text(record.called), text(record.route),
            .int(milliseconds(record.started)), record.answered.map { .int(milliseconds($0)) } ?? .null,
            .int(milliseconds(record.ended)), .text(record.endedBy.rawValue), .int(Int64(record.status)),
            .int(Int64(record.q850Cause)), text(record.callerCodec), text(record.calleeCodec), .text(legs),
            .text(dtmf),
        ]
        return (values, record.callID)
    }

    /// Completes the call's in-progress row, or adds the row when there is none.
    static func writeEnded(_ db: SQLiteConnection, values: [SQLiteValue], callID: String) throws {
        try db.run("""
            UPDATE call_records SET outcome = ?, caller = ?, called = ?, route = ?, started_ms = ?, answered_ms = ?,
                ended_ms = ?, ended_by = ?, status = ?, q850_cause = ?, caller_codec = ?, callee_codec = ?, legs = ?,
                dtmf = ?
            WHERE id = (SELECT MAX(id) FROM call_records WHERE call_id = ? AND outcome = 'in_progress')
            """, values + [.text(callID)])
        if db.changes == 0 {
            try db.run("""
                INSERT INTO call_records (outcome, caller, called, route, started_ms, answered_ms, ended_ms, ended_by,
                    status, q850_cause, caller_codec, callee_codec, legs, dtmf, call_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values + [.text(callID)])
        }
    }

    @discardableResult
    public func closeInterrupted(at time: Date) throws -> Int {
        try connection.withLock { db in
            try db.run("UPDATE call_records SET outcome = ?, ended_ms = ? WHERE outcome = 'in_progress'",
                       [.text(CallOutcome.interrupted.rawValue), .int(Self.milliseconds(time))])
            return db.changes
        }
    }

    public func records(matching filter: CallRecordFilter) throws -> [StoredCallRecord] {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let from = filter.from { conditions.append("started_ms >= ?"); values.append(.int(Self.milliseconds(from))) }
        if let until = filter.until { conditions.append("started_ms < ?"); values.append(.int(Self.milliseconds(until))) }
        if let caller = filter.caller { conditions.append("caller = ?"); values.append(.text(caller)) }
        if let called = filter.called { conditions.append("called = ?"); values.append(.text(called)) }
        if let outcome = filter.outcome { conditions.append("outcome = ?"); values.append(.text(outcome.rawValue)) }
        let limit = max(0, min(filter.limit, CallRecordFilter.maximumLimit))
        let condition = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.columns) FROM call_records\(condition) ORDER BY started_ms DESC, id DESC LIMIT \(limit)"
        return try connection.withLock { db in try db.query(sql, values, Self.record) }
    }
}
