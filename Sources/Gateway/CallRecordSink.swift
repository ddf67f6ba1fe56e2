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
}

extension CallRecordSink {
    public func submit(_ record: CallRecord) {
        Task { await store(record) }
    }

    public func flush() async {}
}

/// The sink used until a CDR store is plugged in: records go to the log only.
struct LoggingCallRecordSink: CallRecordSink {
    let log: @Sendable (CallRecord) -> Void
    func store(_ record: CallRecord) async { log(record) }
}

/// The CDR store (`calls.sqlite`) as the call layer's sink: every finished call is written there,
/// in batches (a ``GroupCommitter`` on the ``StorageThreadPool``). ``submit(_:)`` only queues the
/// record; the records of the calls that end within one ``window`` (or while a commit runs) share
/// one transaction: one fsync and one storage-thread wake-up per batch, not per call.
///
/// Durability (issue 6: "written when the call ends and never lost across a restart"): a record is
/// acknowledged (``enqueue(_:done:)``'s completion) only once the transaction holding it committed
/// (`synchronous=FULL`: on disk). It reaches the disk at most ``window`` plus one commit after the
/// call ended; a graceful stop flushes the queue (``flush()``) after the calls are drained, so only
/// a crash or `kill -9` can lose the records of the calls that ended within that last moment. A
/// failed batch is written again one record at a time, so one bad record fails alone.
@available(macOS 15.0, *)
final class StoreCallRecordSink: CallRecordSink {
    /// Named limit: records waiting beyond this are dropped (and logged) rather than let a
    /// stalled disk grow the gateway's memory without bound.
    static let maximumQueued = 100_000
    /// Named limit: records in one transaction at most (a full batch is written at once).
    static let maximumBatch = 512
    /// Named limit: how long a finished call's record may wait for others to share its commit.
    static let window = TimeAmount.milliseconds(20)

    let records: any CallRecordStore
    let logger: Logger
    let committer: GroupCommitter<CallRecord>
    private let dropped = Atomic<Int>(0)

    /// A sink writing to `records`; with `loop`, records wait up to `window` on its timers to be
    /// written together, without it a lone record is written at once.
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
        enqueue(record)
    }

    /// Queued at once: no task per call.
    func submit(_ record: CallRecord) {
        enqueue(record)
    }

    /// Queues `record`; `done` runs once it is committed (true) or failed (false, logged). A
    /// record refused because ``maximumQueued`` wait is dropped: `done` runs with false at once.
    func enqueue(_ record: CallRecord, done: GroupCommitter<CallRecord>.Completion? = nil) {
        guard committer.submit(record, done: done) else {
            let count = dropped.wrappingAdd(1, ordering: .relaxed).newValue
            if count == 1 || count.isMultiple(of: 1000) {
                logger.error("call records dropped: the store is behind", metadata: ["records": "\(count)"])
            }
            done?(false)
            return
        }
    }

    /// Writes what is queued now and returns once it is committed (or failed).
    func flush() async {
        await committer.flush()
    }

    /// One transaction for the batch; when it fails, each record alone (nothing was written: the
    /// transaction rolled back), so a bad record fails alone and none is written twice.
    static func write(_ batch: [CallRecord], to records: any CallRecordStore, logger: Logger) -> [Bool] {
        do {
            try records.callsEnded(batch)
            return Array(repeating: true, count: batch.count)
        } catch {
            guard batch.count > 1 else {
                logger.error("cannot store a call record", metadata: ["callID": "\(batch[0].callID)", "error": "\(error)"])
                return [false]
            }
            return batch.map { record in
                do {
                    try records.callEnded(record)
                    return true
                } catch {
                    logger.error("cannot store a call record", metadata: ["callID": "\(record.callID)", "error": "\(error)"])
                    return false
                }
            }
        }
    }
}
