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
@available(macOS 15.0, *)
final class BindingWriter: Sendable {
    /// Changes in one commit at most by default (a burst is written in several).
    static let defaultMaxBatch = 256

    typealias Completion = @Sendable (_ committed: Bool) -> Void

    private struct State {
        var queued: [(change: BindingChange, done: Completion)] = []
        /// The batch being committed (still overlaid on reads until the next batch starts).
        var committing: [BindingChange] = []
        var running = false
        var batches = 0
        var changes = 0
    }

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

    /// The live bindings of `aor`: the store's, with the changes not yet committed applied in order.
    func bindings(for aor: String, now: Int64) throws -> [Binding] {
        try state.withLock { state in
            var found = try store.bindings(for: aor, now: now)
            for change in state.committing + state.queued.map(\.change) where change.aor == aor {
                found.removeAll { binding in change.removals.contains(binding.key) || change.upserts.contains { $0.key == binding.key } }
                found += change.upserts.filter { $0.expiresAt > now }
            }
            return found
        }
    }

    /// Queues `change`; `done` runs on a storage thread once it is committed (true) or failed.
    func submit(_ change: BindingChange, done: @escaping Completion) {
        let start = state.withLock { state in
            state.queued.append((change, done))
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
            let batch: [(change: BindingChange, done: Completion)]? = state.withLock { state in
                guard !state.queued.isEmpty else {
                    state.running = false
                    state.committing = []
                    return nil
                }
                let batch = Array(state.queued.prefix(maxBatch))
                state.queued.removeFirst(batch.count)
                state.committing = batch.map(\.change)
                state.batches += 1
                state.changes += batch.count
                return batch
            }
            guard let batch else { return }
            if (try? store.apply(batch: batch.map(\.change))) != nil {
                for entry in batch { entry.done(true) }
            } else {
                // One bad change must not fail the others: each alone, as without grouping.
                for entry in batch { entry.done((try? store.apply(entry.change)) != nil) }
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
