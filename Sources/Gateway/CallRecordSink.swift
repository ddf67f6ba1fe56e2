import B2BUA
import CallRecords
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Where finished calls go: the CDR store (issue 6, call records) implements it; the
/// ``CallService`` hands it every ``CallAction/callEnded(_:)`` record, off the event loop.
public protocol CallRecordSink: Sendable {
    /// Stores one record. Called once per call, after the caller's leg has ended.
    func store(_ record: CallRecord) async
    /// Hands a record over from the call's event loop without waiting (the default runs
    /// ``store(_:)`` in a task; a sink that only queues does it inline).
    func submit(_ record: CallRecord)
    /// Returns once every record handed over so far is stored (the gateway's shutdown awaits it
    /// before the event loops stop; the default returns at once).
    func flush() async
    /// A call started (its INVITE passed admission and routing): a CDR store marks it in
    /// progress, so a crash leaves it to be closed as interrupted. The default ignores it.
    func started(_ start: CallStart)
    /// A call is over for the caller, with or without a record (called after ``submit(_:)`` when
    /// there was one). The default ignores it.
    func finished(callID: String)
}

extension CallRecordSink {
    public func submit(_ record: CallRecord) {
        Task { await store(record) }
    }

    public func flush() async {}

    public func started(_ start: CallStart) {}

    public func finished(callID: String) {}
}

/// The sink used until a CDR store is plugged in: records go to the log only.
struct LoggingCallRecordSink: CallRecordSink {
    let log: @Sendable (CallRecord) -> Void
    func store(_ record: CallRecord) async { log(record) }
}

/// The CDR store (`calls.sqlite`) as the call layer's sink, in batches (a ``GroupCommitter`` on
/// the ``StorageThreadPool``): a call's in-progress row when it starts, its record when it ends.
/// Nothing here blocks the call: ``started(_:)``, ``submit(_:)`` and ``finished(callID:)`` only
/// queue; the changes of the calls that start or end within one ``window`` (or while a commit
/// runs) share one transaction: one fsync and one storage-thread wake-up per batch, not per call.
/// A call that starts and ends within one batch costs one row write.
///
/// Durability (issue 6: "written when the call ends and never lost across a restart (calls in
/// progress at a crash are closed as such on start-up)"):
/// - A change is acknowledged (``enqueue(_:done:)``'s completion) only once the transaction
///   holding it committed (`synchronous=FULL`: on disk). It reaches the disk at most ``window``
///   plus one commit after it was queued; the call does not wait for it.
/// - The in-progress row is therefore durable within that time of the call's start: a crash
///   later leaves the row to ``CallRecordStore/closeInterrupted(at:)`` at the next start; a crash
///   sooner leaves no row for that call.
/// - A graceful stop flushes the queue (``flush()``) after the calls are drained, so only a crash
///   or `kill -9` loses the changes of that last moment.
/// - A failed batch is written again one change at a time, so one bad change fails alone, and
///   none is written twice (the failed transaction rolled back).
@available(macOS 15.0, *)
final class StoreCallRecordSink: CallRecordSink {
    /// Named limit: changes waiting beyond this are dropped (and logged) rather than let a
    /// stalled disk grow the gateway's memory without bound.
    static let maximumQueued = 100_000
    /// Named limit: changes in one transaction at most (a full batch is written at once).
    static let maximumBatch = 512
    /// Named limit: how long a change may wait for others to share its commit.
    static let window = TimeAmount.milliseconds(20)

    let records: any CallRecordStore
    let logger: Logger
    let committer: GroupCommitter<CallRecordChange>
    private let dropped = Atomic<Int>(0)
    /// Calls started and not yet ended with a record (their end without one discards the row).
    private let open = Mutex<Set<String>>([])

    /// A sink writing to `records`; with `loop`, changes wait up to `window` on its timers to be
    /// written together, without it a lone change is written at once.
    init(records: any CallRecordStore, logger: Logger, loop: (any EventLoop)? = nil, window: TimeAmount = StoreCallRecordSink.window,
         pool: NIOThreadPool = StorageThreadPool.shared, maximumBatch: Int = StoreCallRecordSink.maximumBatch) {
        self.records = records
        self.logger = logger
        committer = GroupCommitter(
            pool: pool, maxBatch: maximumBatch, maxQueued: Self.maximumQueued,
            window: loop.map { GroupCommitter.Window(length: window, loop: $0) },
            commit: { batch in Self.write(batch, to: records, logger: logger) })
    }

    func store(_ record: CallRecord) async {
        submit(record)
    }

    /// Queued at once: no task per call.
    func submit(_ record: CallRecord) {
        open.withLock { _ = $0.remove(record.callID) }
        enqueue(.ended(record))
    }

    func started(_ start: CallStart) {
        open.withLock { _ = $0.insert(start.callID) }
        enqueue(.started(start))
    }

    func finished(callID: String) {
        guard open.withLock({ $0.remove(callID) }) != nil else { return }
        enqueue(.discarded(callID: callID))
    }

    /// Queues `change`; `done` runs once it is committed (true) or failed (false, logged). A
    /// change refused because ``maximumQueued`` wait is dropped: `done` runs with false at once.
    func enqueue(_ change: CallRecordChange, done: GroupCommitter<CallRecordChange>.Completion? = nil) {
        guard committer.submit(change, done: done) else {
            let count = dropped.wrappingAdd(1, ordering: .relaxed).newValue
            if count == 1 || count.isMultiple(of: 1000) {
                logger.error("call records dropped: the store is behind", metadata: ["changes": "\(count)"])
            }
            done?(false)
            return
        }
    }

    /// Writes what is queued now and returns once it is committed (or failed).
    func flush() async {
        await committer.flush()
    }

    /// One transaction for the batch; when it fails, each change alone (nothing was written: the
    /// transaction rolled back), so a bad change fails alone and none is written twice.
    static func write(_ batch: [CallRecordChange], to records: any CallRecordStore, logger: Logger) -> [Bool] {
        do {
            try records.apply(batch)
            return Array(repeating: true, count: batch.count)
        } catch {
            guard batch.count > 1 else {
                logger.error("cannot store a call record", metadata: ["callID": "\(batch[0].callID)", "error": "\(error)"])
                return [false]
            }
            return batch.map { change in
                do {
                    try records.apply([change])
                    return true
                } catch {
                    logger.error("cannot store a call record", metadata: ["callID": "\(change.callID)", "error": "\(error)"])
                    return false
                }
            }
        }
    }
}
