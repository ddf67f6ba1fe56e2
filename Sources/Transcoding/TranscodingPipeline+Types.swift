extension TranscodingPipeline {
    /// How one direction is set up.
    public struct Configuration: Hashable, Sendable {
        /// The outgoing packet duration (the other leg's ptime, RFC 4566 §6), ms.
        public var packetDuration: Int
        /// The first outgoing RTP timestamp.
        public var timestampBase: UInt32
        /// The first outgoing sequence number.
        public var sequenceBase: UInt16
        /// The longest stretch concealed after a loss, ms; a longer gap is sent as silence
        /// skipped (a timestamp jump with the marker bit), as after silence suppression.
        public var maximumConcealment: Int
        /// The jitter buffer's limits; its clock rate is set from the decoder.
        public var jitterBuffer: JitterBuffer.Configuration?

        /// Outgoing ptime `packetDuration` ms; other settings default.
        public init(packetDuration: Int = 20, timestampBase: UInt32 = 0, sequenceBase: UInt16 = 0, maximumConcealment: Int = 120, jitterBuffer: JitterBuffer.Configuration? = nil) {
            self.packetDuration = packetDuration
            self.timestampBase = timestampBase
            self.sequenceBase = sequenceBase
            self.maximumConcealment = maximumConcealment
            self.jitterBuffer = jitterBuffer
        }
    }

    /// One outgoing RTP payload with its header fields; `payload` is valid only during the
    /// `emit` call that receives it.
    public struct OutputPacket {
        /// The encoded payload.
        public var payload: UnsafeRawBufferPointer
        /// RTP timestamp on the encoder's clock.
        public var timestamp: UInt32
        /// RTP sequence number.
        public var sequenceNumber: UInt16
        /// RTP marker: first packet of a talkspurt (RFC 3551 §4.1).
        public var marker: Bool
    }

    /// Counters since creation.
    public struct Statistics: Hashable, Sendable {
        /// Packets decoded.
        public var packetsDecoded = 0
        /// Packets emitted.
        public var packetsEmitted = 0
        /// Frames the encoder asked not to send (Opus DTX).
        public var framesSuppressed = 0
        /// Losses concealed (one per gap).
        public var concealments = 0
        /// Concealments that had the packet after the loss at hand (Opus decodes its FEC).
        public var concealmentsWithNextPacket = 0
        /// Sample frames synthesised by concealment, at the decoder's rate.
        public var concealedSamples = 0
        /// Payloads the decoder rejected (concealed instead).
        public var decodeErrors = 0
        /// Frames the encoder failed on (dropped).
        public var encodeErrors = 0
        /// Timestamp jumps handled as silence (DTX, silence suppression, long losses, restarts).
        public var discontinuities = 0
    }
}
