extension TranscodingPipeline {
    /// The timestamp of the last packet emitted (the base before any), on the encoder's clock.
    public var lastEmittedTimestamp: UInt32 { lastOutputTimestamp }

    /// Takes the next outgoing sequence number for a packet the relay inserts into this
    /// direction's stream itself (an RFC 4733 event, RFC 4733 §2.1: events share the audio's
    /// sequence space); the pipeline's next packet follows it.
    public func insertPacket() -> UInt16 {
        let sequenceNumber = nextSequenceNumber
        nextSequenceNumber &+= 1
        return sequenceNumber
    }

    /// Called from inside `emit` for a packet that is not sent (held back while an event is
    /// sent instead): the next packet reuses its sequence number, so the stream shows no loss.
    public func discardEmittedPacket() {
        nextSequenceNumber &-= 1
    }
}
