import NIOCore
import NIOPosix
import Synchronization

/// Group commit on the storage pool, shared by the registrar's ``BindingWriter`` and the CDR
/// writer (``StoreCallRecordSink``): items submitted while a commit runs are written together in
/// the next one, so a durable store (`synchronous=FULL`) pays one fsync and one thread wake-up per
/// batch instead of one per item.
///
/// Two bounds:
/// - **Batch size**: at most `maxBatch` items per commit; a full batch is committed at once.
/// - **Latency**: without a ``Window``, a lone item is committed at once (no timer, nothing added
///   when idle: a REGISTER's 200 waits for its commit). With a window, the first item of a batch
///   waits at most `window.length` for others to join (a timer on `window.loop`), then the batch is
///   committed; an item that arrives while a commit runs waits for that commit to end, or for the
///   window to pass since the oldest queued item, whichever is later. The batch-size bound cuts
///   the wait short. ``flush(_:)`` cuts it short too (shutdown).
///
/// An item is acknowledged (its completion runs with `true`) only after the commit that wrote it;
/// `false` when it was refused (``Screen``), its commit failed, or the pool stopped. Each
/// completion runs exactly once, on a storage thread.
@available(macOS 15.0, *)
final class GroupCommitter<Item: Sendable>: Sendable {
    /// Runs once per item: whether it was committed.
    typealias Completion = @Sendable (_ committed: Bool) -> Void
    /// Writes a batch (on a storage thread, one batch at a time, in submission order); returns
    /// whether each item was committed, in the batch's order.
    typealias Commit = @Sendable (_ batch: [Item]) -> [Bool]
    /// Decides, under the queue's lock while the batch is taken, whether an item may be written
    /// at all; a refused item fails without being written and leaves the uncommitted view at once.
    typealias Screen = @Sendable (_ item: Item) -> Bool

    /// How long the first item of a batch may wait for others (the latency bound).
    struct Window: Sendable {
        /// The longest wait.
        var length: TimeAmount
        /// Where the timer runs (any event loop of the process; it only hands the batch to the pool).
        var loop: any EventLoop
    }

    private struct Entry {
        var item: Item
        var done: Completion?
    }

    private enum Phase {
        /// Nothing queued, no writer.
        case idle
        /// Items queued, a timer of this generation will start the writer.
        case waiting(UInt64)
        /// A writer runs on the pool (it rechecks the queue before it stops).
        case running
    }

    private struct State {
        var queued: [Entry] = []
        /// When the oldest queued item arrived (a lower bound once a full batch was taken).
        var oldest: NIODeadline?
        /// The items being committed (still in ``withUncommitted(_:)`` until the next batch starts).
        var committing: [Item] = []
        var phase = Phase.idle
        var generation: UInt64 = 0
        var batches = 0
        var items = 0
        var flushes: [@Sendable () -> Void] = []
    }

    private enum Start {
        case none
        case writer
        case timer(UInt64, NIODeadline)
    }

    /// What the writer does next.
    private enum Step {
        case stop([@Sendable () -> Void], Start)
        case write(write: [Entry], refused: [Entry])
    }

    let pool: NIOThreadPool
    /// Items in one commit at most (1 turns grouping off).
    let maxBatch: Int
    /// Items queued at most; past it ``submit(_:done:)`` refuses (a stalled disk must not grow
    /// the memory without bound).
    let maxQueued: Int
    let window: Window?
    private let commit: Commit
    private let screen: Screen?
    private let state = Mutex(State())

    /// A committer writing with `commit` on `pool`.
    init(pool: NIOThreadPool = StorageThreadPool.shared, maxBatch: Int, maxQueued: Int = .max, window: Window? = nil,
         screen: Screen? = nil, commit: @escaping Commit) {
        self.pool = pool
        self.maxBatch = max(1, maxBatch)
        self.maxQueued = max(1, maxQueued)
        self.window = window
        self.screen = screen
        self.commit = commit
    }

    /// Queues `item`; `done` runs once it is committed or failed. False (and `done` never runs)
    /// when ``maxQueued`` items already wait.
    @discardableResult
    func submit(_ item: Item, done: Completion? = nil) -> Bool {
        let start = state.withLock { state -> Start? in
            guard state.queued.count < maxQueued else { return nil }
            if window != nil, state.oldest == nil { state.oldest = .now() }
            state.queued.append(Entry(item: item, done: done))
            switch state.phase {
            case .running:
                return Start.none
            case .waiting:
                guard state.queued.count >= maxBatch else { return Start.none }
                state.phase = .running
                return .writer
            case .idle:
                guard let window, state.queued.count < maxBatch, state.flushes.isEmpty else {
                    state.phase = .running
                    return .writer
                }
                return Self.wait(&state, until: (state.oldest ?? .now()) + window.length)
            }
        }
        guard let start else { return false }
        begin(start)
        return true
    }

    /// Runs `body` with the items not yet committed, in order (the batch being committed, then the
    /// queue), while no batch is taken or finished.
    func withUncommitted<T>(_ body: ([Item]) throws -> T) rethrows -> T {
        try state.withLock { state in try body(state.committing + state.queued.map { $0.item }) }
    }

    /// Commits what is queued without waiting for the window; `done` runs once the queue is empty.
    func flush(_ done: @escaping @Sendable () -> Void) {
        let start = state.withLock { state -> Start? in
            switch state.phase {
            case .idle:
                return nil
            case .running:
                state.flushes.append(done)
                return Start.none
            case .waiting:
                state.flushes.append(done)
                state.phase = .running
                return .writer
            }
        }
        guard let start else { return done() }
        begin(start)
    }

    /// ``flush(_:)`` awaited.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            flush { continuation.resume() }
        }
    }

    /// Batches committed and items taken so far (for tests and the benchmark's notes).
    var counts: (batches: Int, items: Int) { state.withLock { ($0.batches, $0.items) } }

    private static func wait(_ state: inout State, until deadline: NIODeadline) -> Start {
        state.generation &+= 1
        state.phase = .waiting(state.generation)
        return .timer(state.generation, deadline)
    }

    private func begin(_ start: Start) {
        switch start {
        case .none:
            return
        case .writer:
            pool.submit { [self] work in
                guard case .active = work else { return failAll() }
                drain()
            }
        case .timer(let generation, let deadline):
            guard let window else { return }
            window.loop.scheduleTask(deadline: deadline) { [self] in
                let fire = state.withLock { state -> Bool in
                    guard case .waiting(generation) = state.phase else { return false }
                    state.phase = .running
                    return true
                }
                if fire { begin(.writer) }
            }
        }
    }

    /// Commits batches until the queue is empty or the next batch is to wait for its window.
    private func drain() {
        while true {
            let step = state.withLock { state -> Step in
                guard !state.queued.isEmpty else {
                    state.phase = .idle
                    state.committing = []
                    state.oldest = nil
                    defer { state.flushes = [] }
                    return .stop(state.flushes, Start.none)
                }
                if let window, state.flushes.isEmpty, state.queued.count < maxBatch,
                   let deadline = state.oldest.map({ $0 + window.length }), deadline > .now() {
                    state.committing = []
                    return .stop([], Self.wait(&state, until: deadline))
                }
                let batch = state.queued.prefix(maxBatch)
                state.queued.removeFirst(batch.count)
                if state.queued.isEmpty { state.oldest = nil }
                var write: [Entry] = []
                var refused: [Entry] = []
                for entry in batch {
                    if let screen, !screen(entry.item) { refused.append(entry) } else { write.append(entry) }
                }
                state.committing = write.map { $0.item }
                state.batches += 1
                state.items += batch.count
                return .write(write: write, refused: refused)
            }
            switch step {
            case .stop(let flushes, let start):
                for flushed in flushes { flushed() }
                return begin(start)
            case .write(let write, let refused):
                for entry in refused { entry.done?(false) }
                guard !write.isEmpty else { continue }
                let results = commit(write.map { $0.item })
                for (index, entry) in write.enumerated() { entry.done?(index < results.count && results[index]) }
            }
        }
    }

    /// The pool is stopping: everything queued fails.
    private func failAll() {
        let (queued, flushes) = state.withLock { state in
            defer {
                state.queued = []
                state.committing = []
                state.oldest = nil
                state.flushes = []
                state.phase = .idle
            }
            return (state.queued, state.flushes)
        }
        for entry in queued { entry.done?(false) }
        for flushed in flushes { flushed() }
    }
}
