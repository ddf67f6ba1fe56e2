/// Where bindings live (the location service, RFC 3261 §10.3). Implementations are synchronous
/// and durable: when ``apply(_:)`` returns, the change survives a restart, so the caller may send
/// the 200 OK. An SQLite store ships; a PostgreSQL one can be added behind the same protocol.
public protocol BindingStore: Sendable {
    /// The live bindings of `aor` (those expiring after `now`).
    func bindings(for aor: String, now: Int64) throws -> [Binding]
    /// Applies one REGISTER's writes atomically.
    func apply(_ change: BindingChange) throws
    /// Applies several REGISTERs' writes, in order, in one transaction (group commit: one
    /// durable write for all of them); all or none.
    func apply(batch changes: [BindingChange]) throws
    /// Deletes bindings that expired at or before `now`; returns how many.
    @discardableResult
    func removeExpired(now: Int64) throws -> Int
    /// Every live binding, for presence and keep-alive scheduling after a restart.
    func allBindings(now: Int64) throws -> [Binding]
}

extension BindingStore {
    /// One ``apply(_:)`` per change: for stores without transactions spanning changes.
    public func apply(batch changes: [BindingChange]) throws {
        for change in changes { try apply(change) }
    }
}
