import NIOPosix
import Registrar
import Synchronization

/// Group commit of REGISTER writes (issue 4 "Speed"): the changes of REGISTERs that arrive while
/// a commit runs are written together in the next one (a ``GroupCommitter`` without a window), so
/// a durable store (`synchronous=FULL`) pays one fsync per batch instead of one per REGISTER. A
/// lone REGISTER is committed at once: no timer, no added latency when idle.
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
    struct Entry: Sendable {
        var id: UInt64
        var change: BindingChange?
        var after: [UInt64]
    }

    /// An AOR's live bindings and the uncommitted changes laid over them.
    struct Read {
        var bindings: [Binding]
        /// Ids of the changes not yet committed that the bindings include.
        var pending: [UInt64]
    }

    /// Ids of changes that failed, newest last (a change read on top of one fails too).
    final class Failures: Sendable {
        private struct State {
            var failed: Set<UInt64> = []
            var order: [UInt64] = []
        }
        private let state = Mutex(State())

        func mark(_ id: UInt64) {
            state.withLock { state in
                guard state.failed.insert(id).inserted else { return }
                state.order.append(id)
                if state.order.count > BindingWriter.maxRememberedFailures {
                    state.failed.remove(state.order.removeFirst())
                }
            }
        }

        func containsAny(of ids: [UInt64]) -> Bool {
            guard !ids.isEmpty else { return false }
            return state.withLock { state in ids.contains(where: state.failed.contains) }
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
    /// Changes in one commit at most; 1 turns grouping off (`registrar: { group_commit: false }`).
    var maxBatch: Int { committer.maxBatch }
    private let committer: GroupCommitter<Entry>
    private let nextID = Atomic<UInt64>(1)

    /// Writes to `store` from a thread of `pool`.
    init(store: any BindingStore, pool: NIOThreadPool = StorageThreadPool.shared, maxBatch: Int = BindingWriter.defaultMaxBatch) {
        self.store = store
        let failures = Failures()
        committer = GroupCommitter(
            pool: pool, maxBatch: maxBatch,
            // A change read on top of a failed one fails without being written.
            screen: { entry in
                guard failures.containsAny(of: entry.after) else { return true }
                failures.mark(entry.id)
                return false
            },
            commit: { batch in Self.commit(batch, to: store, failures: failures) })
    }

    /// Writes `batch` in one transaction; when that fails, each change alone, as without grouping,
    /// in order, so one bad change does not fail the others and a change read on top of one that
    /// fails here fails too.
    private static func commit(_ batch: [Entry], to store: any BindingStore, failures: Failures) -> [Bool] {
        let changes = batch.compactMap(\.change)
        if changes.isEmpty || (try? store.apply(batch: changes)) != nil {
            return Array(repeating: true, count: batch.count)
        }
        return batch.map { entry in
            let ok = !failures.containsAny(of: entry.after) && (entry.change.map { (try? store.apply($0)) != nil } ?? true)
            if !ok { failures.mark(entry.id) }
            return ok
        }
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
        try committer.withUncommitted { entries in
            var found = try store.bindings(for: aor, now: now)
            var pending: [UInt64] = []
            for entry in entries {
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
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        committer.submit(Entry(id: id, change: change, after: after), done: done)
    }

    /// Batches committed and changes written so far (for tests and the benchmark's notes).
    var counts: (batches: Int, changes: Int) {
        let counts = committer.counts
        return (counts.batches, counts.items)
    }
}
