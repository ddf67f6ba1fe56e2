import SQLiteSupport
import Synchronization

/// The embedded binding store: one SQLite file (`registrar.sqlite`) in the data directory,
/// WAL journal, schema versions recorded in `schema_migrations`.
///
/// Each ``apply(_:)`` is one transaction committed before it returns (with `synchronous=FULL` by
/// default, so even a power loss after the 200 OK keeps the binding). Expiry times are absolute
/// Unix seconds, so reopening the store expires nothing early.
public final class SQLiteBindingStore: BindingStore {
    /// The file name inside the data directory.
    public static let fileName = "registrar.sqlite"
    /// Schema migrations, applied in order; index + 1 is the version.
    static let migrations: [String] = [
        """
        CREATE TABLE bindings (
            aor TEXT NOT NULL, binding_key TEXT NOT NULL, contact TEXT NOT NULL, q INTEGER,
            expires_at INTEGER NOT NULL, call_id TEXT NOT NULL, cseq INTEGER NOT NULL,
            instance TEXT, reg_id INTEGER, path TEXT NOT NULL, transport TEXT NOT NULL,
            source_address TEXT NOT NULL, source_port INTEGER NOT NULL, connection_id TEXT,
            user_agent TEXT, updated_at INTEGER NOT NULL,
            PRIMARY KEY (aor, binding_key)
        ) WITHOUT ROWID;
        CREATE INDEX bindings_expires_at ON bindings (expires_at);
        """,
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
    public func schemaVersion() throws -> Int64 {
        try connection.withLock { db in try db.schemaVersion() }
    }

    /// The journal mode in force (`wal`).
    public func journalMode() throws -> String {
        try connection.withLock { db in try db.journalMode() }
    }

    public func bindings(for aor: String, now: Int64) throws -> [Binding] {
        try connection.withLock { db in
            try db.query("SELECT \(Self.columns) FROM bindings WHERE aor = ? AND expires_at > ?", [.text(aor), .int(now)],
                         Self.binding)
        }
    }

    public func apply(_ change: BindingChange) throws {
        try apply(batch: [change])
    }

    /// One transaction (one fsync with `synchronous=FULL`) for every change.
    public func apply(batch changes: [BindingChange]) throws {
        try connection.withLock { db in
            try db.transaction {
                for change in changes {
                    for key in change.removals {
                        try db.run("DELETE FROM bindings WHERE aor = ? AND binding_key = ?", [.text(change.aor), .text(key)])
                    }
                    for binding in change.upserts {
                        try db.run("INSERT OR REPLACE INTO bindings (\(Self.columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                   Self.values(binding))
                    }
                }
            }
        }
    }

    @discardableResult
    public func removeExpired(now: Int64) throws -> Int {
        try connection.withLock { db in
            try db.run("DELETE FROM bindings WHERE expires_at <= ?", [.int(now)])
            return db.changes
        }
    }

    public func allBindings(now: Int64) throws -> [Binding] {
        try connection.withLock { db in
            try db.query("SELECT \(Self.columns) FROM bindings WHERE expires_at > ? ORDER BY aor", [.int(now)], Self.binding)
        }
    }

    private static let columns = """
        aor, binding_key, contact, q, expires_at, call_id, cseq, instance, reg_id, path, transport, \
        source_address, source_port, connection_id, user_agent, updated_at
        """

    private static func values(_ b: Binding) -> [SQLiteValue] {
        [.text(b.aor), .text(b.key), .text(b.contact), b.q.map { .int(Int64($0)) } ?? .null, .int(b.expiresAt),
         .text(b.callID), .int(Int64(b.cseq)), b.instance.map { .text($0) } ?? .null, b.regID.map { .int(Int64($0)) } ?? .null,
         .text(b.path.joined(separator: "\n")), .text(b.source.transport), .text(b.source.address), .int(Int64(b.source.port)),
         b.source.connectionID.map { .text($0) } ?? .null, b.userAgent.map { .text($0) } ?? .null, .int(b.updatedAt)]
    }

    private static func binding(_ row: SQLiteRow) -> Binding {
        let path = row.text(9) ?? ""
        return Binding(
            aor: row.text(0) ?? "", key: row.text(1) ?? "", contact: row.text(2) ?? "",
            q: row.isNull(3) ? nil : UInt16(clamping: row.int(3)), expiresAt: row.int(4), callID: row.text(5) ?? "",
            cseq: UInt32(clamping: row.int(6)), instance: row.text(7), regID: row.isNull(8) ? nil : UInt32(clamping: row.int(8)),
            path: path.isEmpty ? [] : path.split(separator: "\n").map(String.init),
            source: BindingSource(transport: row.text(10) ?? "", address: row.text(11) ?? "", port: Int(row.int(12)),
                                  connectionID: row.text(13)),
            userAgent: row.text(14), updatedAt: row.int(15))
    }
}
