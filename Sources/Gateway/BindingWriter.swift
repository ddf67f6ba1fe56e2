import NIOPosix
import Registrar
import Synchronization

/// Group commit of REGISTER writes (issue 4 "Speed"): the changes of REGISTERs that arrive while
/// a commit runs are written together in the next one, so a durable store (`synchronous=FULL`)
/// pays one fsync per batch instead of one per REGISTER. A lone REGISTER is committed at once: no
/// timer, no added latency when idle.
///
/// Each change's completion runs after its batch committed, so the 200 OK still goes out only
/// once the binding is durable (RFC 3261 §10.3 step 7). Reads go through ``bindings(for:now:)``,
/// which lays the changes not yet committed over the store's rows: a REGISTER sees every earlier
/// REGISTER of the same AOR, committed or not (the Call-ID/CSeq ordering of §10.3 step 7).
///
/// Two rules keep that overlay honest:
/// - REGISTERs of one AOR are worked out one at a time (``serialized(_:_:)``, held from the read
///   to ``submit(_:after:done:)``): the storage pool has several threads, and two REGISTERs that
///   both read before either queued its change would each miss the other (CSeq order, the
///   contact count).
/// - A change built on changes not yet committed (``Read/pending``) fails when one of those
///   fails: its 200 would list contacts that were never written. A REGISTER that writes nothing
///   but answers 200 from such a read (a query) waits for them with a `nil` change.
@available(macOS 15.0, *)
final class BindingWriter: Sendable {
    /// Changes in one commit at most by default (a burst is written in several).
    static let defaultMaxBatch = 256

    typealias Completion = @Sendable (_ committed: Bool) -> Void

    /// One submitted change (nil: a barrier that only waits for `after`).
    struct Entry {
        var id: UInt64
        var change: BindingChange?
        var after: [UInt64]
        var done: Completion
    }

    /// An AOR's live bindings and the uncommitted changes laid over them.
    struct Read {
        var bindings: [Binding]
        /// Ids of the changes not yet committed that the bindings include.
        var pending: [UInt64]
    }

    private struct State {
        var queued: [Entry] = []
        /// The batch being committed (still overlaid on reads until the next batch starts).
        var committing: [Entry] = []
        var running = false
        var batches = 0
        var changes = 0
        var nextID: UInt64 = 1
        /// Ids of changes that failed, newest last (a change read on top of one fails too).
        var failed: Set<UInt64> = []
        var failedOrder: [UInt64] = []

        mutating func markFailed(_ id: UInt64) {
            guard failed.insert(id).inserted else { return }
            failedOrder.append(id)
            if failedOrder.count > BindingWriter.maxRememberedFailures {
                failed.remove(failedOrder.removeFirst())
            }
        }
    }

    /// Named limit: failed change ids remembered; a read and its submit are microseconds apart.
    static let maxRememberedFailures = 4096
    /// Named limit: locks REGISTERs of one AOR are serialized on (AORs sharing one wait a little).
    static let aorLockCount = 64

    final class AORLock: Sendable {
        let mutex = Mutex(())
    }
    private let aorLocks = (0..<BindingWriter.aorLockCount).map { _ in AORLock() }

    let store: any BindingStore
    let pool: NIOThreadPool
    /// Changes in one commit at most; 1 turns grouping off (`registrar: { group_commit: false }`).
    let maxBatch: Int
    private let state = Mutex(State())

    /// Writes to `store` from a thread of `pool`.
    init(store: any BindingStore, pool: NIOThreadPool = StorageThreadPool.shared, maxBatch: Int = BindingWriter.defaultMaxBatch) {
        self.store = store
        self.pool = pool
        self.maxBatch = max(1, maxBatch)
    }

    /// Runs `body` (read, work out, submit) while no other REGISTER of `aor` does; nil (no AOR
    /// could be found, so nothing is read) runs it at once.
    func serialized<T>(_ aor: String?, _ body: () throws -> T) rethrows -> T {
        guard let aor else { return try body() }
        var hasher = Hasher()
        hasher.combine(aor)
        let lock = aorLocks[Int(UInt(bitPattern: hasher.finalize()) % UInt(aorLocks.count))]
        return try lock.mutex.withLock { _ in try body() }
    }

    /// The live bindings of `aor`: the store's, with the changes not yet committed applied in order.
    func bindings(for aor: String, now: Int64) throws -> [Binding] {
        try read(aor, now: now).bindings
    }

    /// ``bindings(for:now:)`` with the ids of the uncommitted changes it includes.
    func read(_ aor: String, now: Int64) throws -> Read {
        try state.withLock { state in
            var found = try store.bindings(for: aor, now: now)
            var pending: [UInt64] = []
            for entry in state.committing + state.queued {
                guard let change = entry.change, change.aor == aor else { continue }
                pending.append(entry.id)
                found.removeAll { binding in change.removals.contains(binding.key) || change.upserts.contains { $0.key == binding.key } }
                found += change.upserts.filter { $0.expiresAt > now }
            }
            return Read(bindings: found, pending: pending)
        }
    }

    /// Queues `change` (nil: nothing to write, only wait for `after`); `done` runs on a storage
    /// thread once it is committed (true) or failed, false also when a change of `after` failed.
    func submit(_ change: BindingChange?, after: [UInt64] = [], done: @escaping Completion) {
        let start = state.withLock { state in
            state.queued.append(Entry(id: state.nextID, change: change, after: after, done: done))
            state.nextID += 1
            defer { state.running = true }
            return !state.running
        }
        guard start else { return }
        pool.submit { [self] work in
            guard case .active = work else { return fail() }
            drain()
        }
    }

    /// Batches committed and changes written so far (for tests and the benchmark's notes).
    var counts: (batches: Int, changes: Int) { state.withLock { ($0.batches, $0.changes) } }

    /// Commits batches until the queue is empty.
    private func drain() {
        while true {
            let taken: (write: [Entry], refused: [Entry])? = state.withLock { state in
                guard !state.queued.isEmpty else {
                    state.running = false
                    state.committing = []
                    return nil
                }
                let batch = Array(state.queued.prefix(maxBatch))
                state.queued.removeFirst(batch.count)
                // A change read on top of a failed one fails without being written.
                var write: [Entry] = []
                var refused: [Entry] = []
                for entry in batch {
                    if entry.after.contains(where: state.failed.contains) {
                        state.markFailed(entry.id)
                        refused.append(entry)
                    } else {
                        write.append(entry)
                    }
                }
                state.committing = write
                state.batches += 1
                state.changes += batch.count
                return (write, refused)
            }
            guard let taken else { return }
            for entry in taken.refused { entry.done(false) }
            let changes = taken.write.compactMap(\.change)
            if changes.isEmpty || (try? store.apply(batch: changes)) != nil {
                for entry in taken.write { entry.done(true) }
                continue
            }
            // One bad change must not fail the others: each alone, as without grouping, in order,
            // so a change read on top of one that fails here fails too.
            for entry in taken.write {
                let ok = state.withLock { state in !entry.after.contains(where: state.failed.contains) }
                    && (entry.change.map { (try? store.apply($0)) != nil } ?? true)
                if !ok { state.withLock { $0.markFailed(entry.id) } }
                entry.done(ok)
            }
        }
    }

    /// The pool is stopping: everything queued fails (the REGISTERs get 500).
    private func fail() {
        let queued = state.withLock { state in
            defer {
                state.queued = []
                state.running = false
            }
            return state.queued
        }
        for entry in queued { entry.done(false) }
    }
}
