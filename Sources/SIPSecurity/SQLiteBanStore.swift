import CSQLite3
import Foundation

/// Keeps the active bans in SQLite (`security.sqlite` in the gateway's data directory), one row
/// per banned source, so an operator or a script can read them with `sqlite3`:
///
///     SELECT source, reason, datetime(until, 'unixepoch') FROM bans;
///
/// `since` and `until` are Unix seconds (REAL). A save replaces every row in one transaction.
/// The handle is used under a lock; WAL journal, `synchronous=FULL` (a ban is rare and must
/// survive a power loss as a binding does).
public final class SQLiteBanStore: BanPersistence, @unchecked Sendable {
    /// The file name inside the data directory.
    public static let fileName = "security.sqlite"

    /// The database file's path.
    public let path: String
    private let handle: OpaquePointer
    private let lock = NSLock()

    /// An SQLite failure with the library's code and message.
    public struct Failure: Error, CustomStringConvertible {
        public var code: Int32
        public var message: String
        public var description: String { "SQLite \(code): \(message)" }
    }

    /// Opens (creating when needed) the store in `dataDirectory`, which must exist.
    public init(dataDirectory: String) throws {
        path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close(db)
            throw Failure(code: status, message: message)
        }
        handle = db
        try execute("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;
            CREATE TABLE IF NOT EXISTS bans (
                source TEXT PRIMARY KEY, reason TEXT NOT NULL, since REAL NOT NULL, until REAL NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    deinit { sqlite3_close(handle) }

    /// The stored bans; a row whose source or reason does not decode is skipped (the file is
    /// ours, but an operator may have edited it by hand).
    public func load() throws -> AuthFailureBanList.Snapshot {
        lock.lock()
        defer { lock.unlock() }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "SELECT source, reason, since, until FROM bans", -1, &statement, nil) == SQLITE_OK,
              let statement else { throw lastFailure() }
        defer { sqlite3_finalize(statement) }
        var bans: [Ban] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw lastFailure() }
            guard let sourceText = sqlite3_column_text(statement, 0), let reasonText = sqlite3_column_text(statement, 1),
                  let source = SourceAddress(String(cString: sourceText)),
                  let reason = BanReason(rawValue: String(cString: reasonText)) else { continue }
            bans.append(Ban(source: source, reason: reason,
                            since: Date(timeIntervalSince1970: sqlite3_column_double(statement, 2)),
                            until: Date(timeIntervalSince1970: sqlite3_column_double(statement, 3))))
        }
        return AuthFailureBanList.Snapshot(bans: bans)
    }

    /// Replaces every row with the bans of `snapshot`.
    public func save(_ snapshot: AuthFailureBanList.Snapshot) throws {
        lock.lock()
        defer { lock.unlock() }
        try execute("BEGIN IMMEDIATE; DELETE FROM bans;")
        do {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(handle, "INSERT OR REPLACE INTO bans (source, reason, since, until) VALUES (?, ?, ?, ?)",
                                     -1, &statement, nil) == SQLITE_OK, let statement else { throw lastFailure() }
            defer { sqlite3_finalize(statement) }
            for ban in snapshot.bans {
                sqlite3_reset(statement)
                sqlite3_bind_text(statement, 1, ban.source.description, -1, GH_SQLITE_TRANSIENT)
                sqlite3_bind_text(statement, 2, ban.reason.rawValue, -1, GH_SQLITE_TRANSIENT)
                sqlite3_bind_double(statement, 3, ban.since.timeIntervalSince1970)
                sqlite3_bind_double(statement, 4, ban.until.timeIntervalSince1970)
                guard sqlite3_step(statement) == SQLITE_DONE else { throw lastFailure() }
            }
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        guard status == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw Failure(code: status, message: message)
        }
    }

    private func lastFailure() -> Failure {
        Failure(code: sqlite3_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}
