import CSQLite3

/// An SQLite error with the library's code and message.
public struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The SQLite result code.
    public var code: Int32
    /// The library's message.
    public var message: String
    /// `code: message`.
    public var description: String { "SQLite \(code): \(message)" }
}

/// A value bound to a statement parameter.
public enum SQLiteValue: Sendable, Hashable {
    /// An INTEGER.
    case int(Int64)
    /// A TEXT (UTF-8).
    case text(String)
    /// NULL.
    case null
}

/// One result row while a statement steps.
public struct SQLiteRow {
    let statement: OpaquePointer

    /// The integer in `column` (0 for NULL).
    public func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    /// Whether `column` is NULL.
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    /// The text in `column`; nil for NULL.
    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }
}

/// A thin owner of an `sqlite3*` handle, shared by the embedded stores (bindings, call records).
/// Not thread-safe: each store guards its connection with a mutex.
public final class SQLiteConnection {
    private let handle: OpaquePointer

    /// Opens (creating when needed) the database file at `path`.
    public init(path: String) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close(db)
            throw SQLiteError(code: status, message: message)
        }
        handle = db
    }

    /// Prepared statements by their SQL, reused (reset) instead of parsed again on every run:
    /// the stores run the same few statements over and over.
    private var statements: [String: OpaquePointer] = [:]
    /// Named limit: SQL texts kept prepared (listing queries are built per filter).
    static let statementCacheLimit = 64

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs SQL without parameters (may hold several statements).
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error"
            sqlite3_free(error)
            throw SQLiteError(code: status, message: message)
        }
    }

    /// Runs one statement with parameters, ignoring rows.
    public func run(_ sql: String, _ values: [SQLiteValue] = []) throws {
        _ = try query(sql, values) { _ in () }
    }

    /// Runs one statement and maps each row.
    public func query<T>(_ sql: String, _ values: [SQLiteValue] = [], _ map: (SQLiteRow) -> T) throws -> [T] {
        let (statement, cached) = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            if !cached { sqlite3_finalize(statement) }
        }
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let status = switch value {
            case .int(let number): sqlite3_bind_int64(statement, position, number)
            case .text(let text): sqlite3_bind_text(statement, position, text, -1, GH_SQLITE_TRANSIENT)
            case .null: sqlite3_bind_null(statement, position)
            }
            guard status == SQLITE_OK else { throw lastError() }
        }
        var rows: [T] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw lastError() }
            rows.append(map(SQLiteRow(statement: statement)))
        }
    }

    /// The statement for `sql`: cached, or prepared now (and cached while there is room); whether
    /// it is in the cache (one lookup of the SQL text per run, not two).
    private func prepared(_ sql: String) throws -> (statement: OpaquePointer, cached: Bool) {
        if let cached = statements[sql] { return (cached, true) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw lastError() }
        guard statements.count < Self.statementCacheLimit else { return (statement, false) }
        statements[sql] = statement
        return (statement, true)
    }

    /// Runs `body` in a transaction, rolled back when it throws.
    public func transaction(_ body: () throws -> Void) throws {
        try execute("BEGIN IMMEDIATE")
        do {
            try body()
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func lastError() -> SQLiteError {
        SQLiteError(code: sqlite3_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}
