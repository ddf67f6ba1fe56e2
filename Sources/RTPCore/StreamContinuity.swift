/// Maps the RTP packets a relay receives for one direction of a call onto one continuous
/// outgoing stream: one SSRC, sequence numbers that go up by one, timestamps that advance with
/// real time, whichever source is feeding it.
///
/// A B2BUA's far side changes source under the receiver's feet: early media from one device
/// then the answer from another, a failover to the next target, a re-INVITE that moves the
/// media. Receivers (jitter buffers, SRTP replay windows, RFC 3550 A.1 probation) treat a new
/// SSRC or a sequence jump as a new stream and glitch or drop audio. This type hides that:
///
/// - Within one source, `out = in + offset` for sequence number and timestamp (mod 2^16 and
///   2^32), so reordering, loss gaps and silence-suppression timestamp jumps pass through
///   unchanged.
/// - On a new source (another SSRC, `sourceWillChange()`, or a sequence jump outside
///   RFC 3550 A.1's dropout/misorder window), offsets are re-anchored so the first packet of
///   the new source gets the next outgoing sequence number and a timestamp advanced by the wall
///   clock time since the last packet (at least `minimumTimestampStep`, at most
///   `maximumTimestampStep`), and the marker bit is set (RFC 3551 §4.1: start of a talkspurt,
///   which lets receivers resynchronise their playout).
///
/// The relay decides which source is valid (latching); this type trusts every packet it maps.
public struct StreamContinuity: Hashable, Sendable {
    /// Largest forward sequence jump kept within one source (RFC 3550 A.1 MAX_DROPOUT).
    public static let maximumDropout = RTPReceptionStatistics.maximumDropout
    /// Largest backward sequence jump treated as reordering (RFC 3550 A.1 MAX_MISORDER).
    public static let maximumMisorder = RTPReceptionStatistics.maximumMisorder

    /// How the outgoing stream starts and how far a switch may move its clock.
    public struct Configuration: Hashable, Sendable {
        /// The outgoing SSRC.
        public var ssrc: UInt32
        /// The outgoing stream's RTP clock rate in Hz (8000 for PCMU, PCMA and G.722).
        public var clockRate: Int
        /// The first outgoing sequence number (random per RFC 3550 §5.1).
        public var firstSequenceNumber: UInt16
        /// The first outgoing timestamp (random per RFC 3550 §5.1).
        public var firstTimestamp: UInt32
        /// Smallest timestamp advance on a switch, so the new source's first packet never
        /// repeats the previous packet's timestamp. Defaults to 20 ms.
        public var minimumTimestampStep: UInt32
        /// Largest timestamp advance on a switch, however long the gap. Defaults to 10 s.
        public var maximumTimestampStep: UInt32

        /// A configuration with the default switch steps for `clockRate`.
        public init(ssrc: UInt32, clockRate: Int, firstSequenceNumber: UInt16, firstTimestamp: UInt32) {
            precondition(clockRate > 0, "RTPCore: clock rate must be positive")
            self.ssrc = ssrc
            self.clockRate = clockRate
            self.firstSequenceNumber = firstSequenceNumber
            self.firstTimestamp = firstTimestamp
            self.minimumTimestampStep = UInt32(truncatingIfNeeded: clockRate / 50)
            self.maximumTimestampStep = UInt32(truncatingIfNeeded: clockRate * 10)
        }
    }

    /// The outgoing header fields for one packet.
    public struct Mapping: Hashable, Sendable {
        /// The outgoing SSRC.
        public var ssrc: UInt32
        /// The outgoing sequence number.
        public var sequenceNumber: UInt16
        /// The outgoing timestamp.
        public var timestamp: UInt32
        /// Whether this is the first packet of a new source: set the marker bit.
        public var startsNewSource: Bool

        /// A mapping with the given outgoing fields.
        public init(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, startsNewSource: Bool) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
            self.timestamp = timestamp
            self.startsNewSource = startsNewSource
        }
    }

    private struct Source: Hashable, Sendable {
        var ssrc: UInt32
        var sequenceOffset: UInt16
        var timestampOffset: UInt32
        var highestSequenceNumber: UInt16
    }

    /// The configuration the stream started with.
    public let configuration: Configuration
    private var source: Source?
    private var switchPending = false
    private var lastSequenceNumber: UInt16
    private var lastTimestamp: UInt32
    private var lastArrival: UInt64 = 0
    /// Number of times the outgoing stream was re-anchored onto a new source (the first
    /// source included).
    public private(set) var sourceCount = 0

    /// A rewriter for an outgoing stream that has not sent anything yet.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.lastSequenceNumber = configuration.firstSequenceNumber &- 1
        self.lastTimestamp = configuration.firstTimestamp
    }

    /// Makes the next packet start a new source even if its SSRC is unchanged (call on a
    /// re-INVITE or answer that moves the media, where the far end may keep its SSRC).
    public mutating func sourceWillChange() {
        switchPending = true
    }

    /// The outgoing fields for an incoming packet that arrived at `arrivalNanoseconds`
    /// (a monotonic clock).
    public mutating func map(
        ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, arrivalNanoseconds: UInt64
    ) -> Mapping {
        if !switchPending, var current = source, current.ssrc == ssrc {
            let delta = Int(sequenceNumber &- current.highestSequenceNumber)
            let isAhead = delta > 0 && delta < Self.maximumDropout
            let isLateOrDuplicate = delta == 0 || delta > RTPSequenceNumber.modulus - Self.maximumMisorder
            if isAhead || isLateOrDuplicate {
                let outSequence = sequenceNumber &+ current.sequenceOffset
                let outTimestamp = timestamp &+ current.timestampOffset
                if isAhead {
                    current.highestSequenceNumber = sequenceNumber
                    source = current
                    lastSequenceNumber = outSequence
                    lastTimestamp = outTimestamp
                    lastArrival = arrivalNanoseconds
                }
                return Mapping(
                    ssrc: configuration.ssrc, sequenceNumber: outSequence, timestamp: outTimestamp,
                    startsNewSource: false)
            }
        }
        return anchor(ssrc: ssrc, sequenceNumber: sequenceNumber, timestamp: timestamp, arrival: arrivalNanoseconds)
    }

    private mutating func anchor(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, arrival: UInt64) -> Mapping {
        let outSequence = lastSequenceNumber &+ 1
        let outTimestamp: UInt32
        if source == nil, lastArrival == 0 {  // nothing sent yet, not even an inserted packet
            outTimestamp = configuration.firstTimestamp
        } else {
            let elapsed = arrival > lastArrival ? arrival - lastArrival : 0
            let units = RTPTimestamp.units(fromNanoseconds: elapsed, rate: configuration.clockRate)
            let step = min(max(units, UInt64(configuration.minimumTimestampStep)), UInt64(configuration.maximumTimestampStep))
            outTimestamp = lastTimestamp &+ UInt32(truncatingIfNeeded: step)
        }
        source = Source(
            ssrc: ssrc, sequenceOffset: outSequence &- sequenceNumber,
            timestampOffset: outTimestamp &- timestamp, highestSequenceNumber: sequenceNumber)
        switchPending = false
        sourceCount += 1
        lastSequenceNumber = outSequence
        lastTimestamp = outTimestamp
        lastArrival = arrival
        return Mapping(ssrc: configuration.ssrc, sequenceNumber: outSequence, timestamp: outTimestamp, startsNewSource: true)
    }

    /// The outgoing timestamp for an incoming timestamp of the current source (for rewriting
    /// the RTP timestamp of a relayed RTCP sender report, RFC 3550 §6.4.1); `nil` for another
    /// SSRC or before the first packet.
    public func outgoingTimestamp(for timestamp: UInt32, ssrc: UInt32) -> UInt32? {
        guard let source, source.ssrc == ssrc else { return nil }
        return timestamp &+ source.timestampOffset
    }

    /// The outgoing timestamp a packet sent at `nanoseconds` would carry: the last packet's
    /// plus the wall-clock time since it (the first timestamp before any packet). Where the
    /// relay starts an RFC 4733 event of its own (RFC 4733 §2.5.1.2).
    public func projectedTimestamp(atNanoseconds nanoseconds: UInt64) -> UInt32 {
        guard lastArrival != 0 else { return configuration.firstTimestamp }
        let elapsed = nanoseconds > lastArrival ? nanoseconds - lastArrival : 0
        return lastTimestamp &+ UInt32(truncatingIfNeeded: RTPTimestamp.units(fromNanoseconds: elapsed, rate: configuration.clockRate))
    }

    /// Takes the next outgoing sequence number for a packet the relay inserts itself (an
    /// RFC 4733 event while the relayed audio is held back). `clockPosition` is where the
    /// stream's clock stands after it (an event's timestamp plus its duration). The next relayed
    /// packet starts a new source after it, so audio continues past the event with the next
    /// sequence number and a timestamp at least `clockPosition` (RFC 4733 §2.5.1.2).
    public mutating func insertPacket(clockPosition: UInt32, arrivalNanoseconds: UInt64) -> UInt16 {
        lastSequenceNumber &+= 1
        lastTimestamp = clockPosition
        lastArrival = arrivalNanoseconds
        switchPending = true
        return lastSequenceNumber
    }

    /// The current source's incoming SSRC, if any.
    public var currentSourceSSRC: UInt32? { source?.ssrc }

    /// The incoming sequence number of the current source that an outgoing one maps from (for
    /// translating a receiver's NACK or report block back to the sender); `nil` before the
    /// first packet.
    public func incomingSequenceNumber(forOutgoing sequenceNumber: UInt16) -> UInt16? {
        guard let source else { return nil }
        return sequenceNumber &- source.sequenceOffset
    }
}
