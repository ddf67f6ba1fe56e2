import B2BUA
import CallRecords
import Logging

/// Where finished calls go: the CDR store (issue 6, call records) implements it; the
/// ``CallService`` hands it every ``CallAction/callEnded(_:)`` record, off the event loop.
public protocol CallRecordSink: Sendable {
    /// Stores one record. Called once per call, after the caller's leg has ended.
    func store(_ record: CallRecord) async
}

/// The sink used until a CDR store is plugged in: records go to the log only.
struct LoggingCallRecordSink: CallRecordSink {
    let log: @Sendable (CallRecord) -> Void
    func store(_ record: CallRecord) async { log(record) }
}

/// The CDR store (`calls.sqlite`) as the call layer's sink: every finished call is written there.
struct StoreCallRecordSink: CallRecordSink {
    let records: any CallRecordStore
    let logger: Logger

    func store(_ record: CallRecord) async {
        do { try records.callEnded(record) } catch {
            logger.error("cannot store the call record", metadata: ["callID": "\(record.callID)", "error": "\(error)"])
        }
    }
}
