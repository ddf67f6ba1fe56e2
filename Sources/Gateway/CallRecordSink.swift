import B2BUA

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
