import B2BUA
import CallRecords
import Logging
import Synchronization

/// Where finished calls go: the CDR store (issue 6, call records) implements it; the
/// ``CallService`` hands it every ``CallAction/callEnded(_:)`` record, off the event loop.
public protocol CallRecordSink: Sendable {
    /// Stores one record. Called once per call, after the caller's leg has ended.
    func store(_ record: CallRecord) async
    /// Hands a record over from the call's event loop without waiting (the default runs
    /// ``store(_:)`` in a task; a sink that only queues does it inline).
    func submit(_ record: CallRecord)
}

extension CallRecordSink {
    public func submit(_ record: CallRecord) {
        Task { await store(record) }
    }
}

/// The sink used until a CDR store is plugged in: records go to the log only.
struct LoggingCallRecordSink: CallRecordSink {
    let log: @Sendable (CallRecord) -> Void
    func store(_ record: CallRecord) async { log(record) }
}

/// The CDR store (`calls.sqlite`) as the call layer's sink: every finished call is written there,
/// in batches. ``store(_:)`` only queues the record; one writer on the ``StorageThreadPool``
/// writes whatever has queued in one transaction and loops until the queue is empty, so while
/// one commit (an fsync) runs the next calls' records gather for the following one: one disk
/// flush per batch instead of per call, and no thread blocked per call.
@available(macOS 15.0, *)
final class StoreCallRecordSink: CallRecordSink {
    /// Named limit: records waiting beyond this are dropped (and logged) rather than let a
    /// stalled disk grow the gateway's memory without bound.
    static let maximumQueued = 100_000

    struct Queue {
        var pending: [CallRecord] = []
        var writing = false
        var dropped = 0
    }

    let records: any CallRecordStore
    let logger: Logger
    let queue = Mutex(Queue())

    init(records: any CallRecordStore, logger: Logger) {
        self.records = records
        self.logger = logger
    }

    func store(_ record: CallRecord) async {
        enqueue(record)
    }

    /// Queued at once: no task per call.
    func submit(_ record: CallRecord) {
        enqueue(record)
    }

    /// Queues `record`; starts the writer when none runs.
    func enqueue(_ record: CallRecord) {
        let startWriter = queue.withLock { queue -> Bool in
            guard queue.pending.count < Self.maximumQueued else {
                queue.dropped += 1
                return false
            }
            queue.pending.append(record)
            guard !queue.writing else { return false }
            queue.writing = true
            return true
        }
        if startWriter { StorageThreadPool.shared.submit { [self] _ in drain() } }
    }

    /// Writes batches until the queue is empty (on a storage thread).
    func drain() {
        while true {
            let (batch, dropped) = queue.withLock { queue -> ([CallRecord], Int) in
                let taken = (queue.pending, queue.dropped)
                queue.pending = []
                queue.dropped = 0
                if taken.0.isEmpty { queue.writing = false }
                return taken
            }
            if dropped > 0 { logger.error("call records dropped: the store is behind", metadata: ["records": "\(dropped)"]) }
            guard !batch.isEmpty else { return }
            do { try records.callsEnded(batch) } catch {
                logger.error("cannot store call records", metadata: [
                    "records": "\(batch.count)", "first": "\(batch[0].callID)", "error": "\(error)"])
            }
        }
    }
}
