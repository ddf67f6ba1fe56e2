extension SQLiteConnection {
    /// Sets up a store's file: WAL journal (readers never block the writer), `synchronous=FULL`
    /// when `durable` (a commit survives a power loss) else `NORMAL` (it survives a crash of the
    /// process), and a busy timeout for a second process reading the file (`sqlite3`, backups).
    public func configureForStore(durable: Bool) throws {
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=\(durable ? "FULL" : "NORMAL")")
        try execute("PRAGMA busy_timeout=5000")
    }

    /// Applies the `migrations` not yet applied, in order, each in its own transaction, recording
    /// them in `schema_migrations` (index + 1 is the version). Returns the version afterwards.
    @discardableResult
    public func migrate(_ migrations: [String]) throws -> Int64 {
        try execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")
        let current = try schemaVersion()
        for (index, sql) in migrations.enumerated() where Int64(index + 1) > current {
            try transaction {
                try execute(sql)
                try run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%s','now'))",
                        [.int(Int64(index + 1))])
            }
        }
        return try schemaVersion()
    }

    /// The highest migration version applied (0 for a new file).
    public func schemaVersion() throws -> Int64 {
        try query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { $0.int(0) }.first ?? 0
    }

    /// The journal mode in force (`wal`).
    public func journalMode() throws -> String {
        try query("PRAGMA journal_mode") { $0.text(0) ?? "" }.first ?? ""
    }
}

extension SQLiteConnection {
    /// The path of a store's `fileName` inside `dataDirectory` (with or without a trailing slash).
    public static func path(of fileName: String, in dataDirectory: String) -> String {
        dataDirectory.hasSuffix("/") ? dataDirectory + fileName : dataDirectory + "/" + fileName
    }

    /// Opens (creating when needed) a store's file at `path`, configured as in
    /// ``configureForStore(durable:)`` and brought up to date with ``migrate(_:)``.
    public convenience init(storeAt path: String, durable: Bool, migrations: [String]) throws {
        try self.init(path: path)
        try configureForStore(durable: durable)
        try migrate(migrations)
    }
}
