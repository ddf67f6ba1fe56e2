/// Per-source reception state of RFC 3550 Appendix A.1 (sequence validation with probation and
/// 32-bit extended sequence numbers), A.3 (expected and lost packets) and A.8 (interarrival
/// jitter): what a receiver needs to fill an RTCP report block (§6.4.1).
///
/// A.1's rules, as implemented by `receive(sequenceNumber:)`:
/// - a new source is valid after `minimumSequential` packets in sequence (probation);
/// - a jump forward of less than `maximumDropout` is accepted (a gap = loss), counting a
///   wrap-around as a new cycle of 2^16;
/// - a jump of less than `maximumMisorder` backwards is a duplicate or reordered packet,
///   accepted without moving the highest sequence number;
/// - any other jump is accepted only when the next packet follows it in sequence: the sender
///   restarted, and statistics restart from there.
public struct RTPReceptionStatistics: Hashable, Sendable {
    /// Packets in sequence before a source is valid (MIN_SEQUENTIAL, A.1).
    public static let minimumSequential = 2
    /// Largest forward jump taken as loss rather than a restart (MAX_DROPOUT, A.1).
    public static let maximumDropout = 3000
    /// Largest backward jump taken as reordering (MAX_MISORDER, A.1).
    public static let maximumMisorder = 100

    /// What `receive(sequenceNumber:)` made of a packet.
    public enum Verdict: Hashable, Sendable {
        /// In sequence or a forward gap: counted.
        case accepted
        /// A duplicate or late packet within `maximumMisorder`: counted, highest unchanged.
        case reordered
        /// Still in probation: not counted yet.
        case probation
        /// A large jump, held until the next packet confirms it: not counted.
        case badSequence
        /// A confirmed sender restart: statistics restarted at this packet, which is counted.
        case restarted
    }

    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    private var baseSequence: UInt32 = 0
    private var badSequence: UInt32 = UInt32(RTPSequenceNumber.modulus) + 1
    private var probation: Int
    /// Packets counted (A.1 `received`).
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    private var transit: UInt32?
    private var jitterQ4: UInt32 = 0

    /// State for a source whose first packet carries `firstSequenceNumber` (A.1 init on first
    /// packet: the source starts in probation with `max_seq = seq - 1`). Pass that first packet
    /// to `receive(sequenceNumber:)` as well.
    public init(firstSequenceNumber: UInt16) {
        probation = Self.minimumSequential
        resetSequence(firstSequenceNumber)
        maxSequence = firstSequenceNumber &- 1
    }

    private mutating func resetSequence(_ sequence: UInt16) {
        baseSequence = UInt32(sequence)
        maxSequence = sequence
        badSequence = UInt32(RTPSequenceNumber.modulus) + 1
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    /// Whether the source has passed probation.
    public var isValid: Bool { probation == 0 }

    /// The highest sequence number received, extended with the wrap count (§6.4.1).
    public var extendedHighestSequenceNumber: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Packets expected since the base sequence number (A.3).
    public var expected: UInt32 { extendedHighestSequenceNumber &- baseSequence &+ 1 }

    /// Cumulative packets lost (A.3), clamped to the 24-bit signed field of §6.4.1.
    public var cumulativeLost: Int32 {
        let lost = Int64(expected) - Int64(received)
        return Int32(max(-0x80_0000, min(0x7F_FFFF, lost)))
    }

    /// Interarrival jitter in timestamp units (A.8), as reported in §6.4.1.
    public var jitter: UInt32 { jitterQ4 >> 4 }

    /// Updates the sequence state for one packet (A.1 `update_seq`).
    public mutating func receive(sequenceNumber sequence: UInt16) -> Verdict {
        let delta = Int(sequence &- maxSequence)
        if probation > 0 {
            if sequence == maxSequence &+ 1 {
                probation -= 1
                maxSequence = sequence
                if probation == 0 {
                    resetSequence(sequence)
                    received &+= 1
                    return .accepted
                }
            } else {
                probation = Self.minimumSequential - 1
                maxSequence = sequence
            }
            return .probation
        }
        if delta == 0 {
            // A duplicate: A.1 counts it like an in-order packet; report it as reordering.
            received &+= 1
            return .reordered
        }
        if delta < Self.maximumDropout {
            if sequence < maxSequence { cycles &+= UInt32(RTPSequenceNumber.modulus) }
            maxSequence = sequence
            received &+= 1
            return .accepted
        }
        if delta <= RTPSequenceNumber.modulus - Self.maximumMisorder {
            if UInt32(sequence) == badSequence {
                resetSequence(sequence)
                received &+= 1
                return .restarted
            }
            badSequence = UInt32(sequence &+ 1)
            return .badSequence
        }
        received &+= 1
        return .reordered
    }

    /// Updates the jitter estimate (A.8) with a packet's RTP timestamp and its arrival time in
    /// the same clock's units (any origin; differences are what count).
    public mutating func receive(timestamp: UInt32, arrival: UInt32) {
        let transitNow = arrival &- timestamp
        defer { transit = transitNow }
        guard let previous = transit else { return }
        // |D| on the 32-bit circle, capped so the scaled estimate cannot wrap.
        let d = min(Int32(bitPattern: transitNow &- previous).magnitude, UInt32.max >> 5)
        // J += (|D| - J) / 16, kept scaled by 16 as in A.8's integer version.
        jitterQ4 = jitterQ4 &+ d &- ((jitterQ4 &+ 8) >> 4)
    }

    /// Fraction lost since the previous call, in 1/256 units as in §6.4.1 (A.3); closes the
    /// reporting interval.
    public mutating func closeInterval() -> UInt8 {
        let expectedNow = expected
        let expectedInterval = Int64(expectedNow &- expectedPrior)
        expectedPrior = expectedNow
        let receivedInterval = Int64(received &- receivedPrior)
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        guard expectedInterval > 0, lostInterval > 0 else { return 0 }
        return UInt8(min(255, (lostInterval << 8) / expectedInterval))
    }
}
