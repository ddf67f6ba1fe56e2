/// A reception report block (RFC 3550 §6.4.1), 24 octets in an SR or RR:
/// ```
/// |                 SSRC_n (source being reported)                |
/// | fraction lost |       cumulative number of packets lost       |
/// |           extended highest sequence number received           |
/// |                      interarrival jitter                      |
/// |                         last SR (LSR)                         |
/// |                   delay since last SR (DLSR)                  |
/// ```
public struct RTCPReportBlock: Hashable, Sendable {
    /// Size of one block.
    public static let length = 24

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction lost since the previous report, in 1/256.
    public var fractionLost: UInt8
    /// Cumulative packets lost (24-bit signed).
    public var cumulativeLost: Int32
    /// Extended highest sequence number received.
    public var extendedHighestSequenceNumber: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the last SR's NTP timestamp.
    public var lastSenderReport: UInt32
    /// Delay since the last SR, in 1/65536 s.
    public var delaySinceLastSenderReport: UInt32

    /// Reads the block at `offset`; the caller has checked that 24 octets are there.
    init(at offset: Int, in bytes: UnsafeRawBufferPointer) {
        ssrc = bytes.rtpUInt32(at: offset)
        let lossWord = bytes.rtpUInt32(at: offset + 4)
        fractionLost = UInt8(lossWord >> 24)
        // Sign-extend the 24-bit cumulative loss.
        cumulativeLost = Int32(bitPattern: lossWord << 8) >> 8
        extendedHighestSequenceNumber = bytes.rtpUInt32(at: offset + 8)
        jitter = bytes.rtpUInt32(at: offset + 12)
        lastSenderReport = bytes.rtpUInt32(at: offset + 16)
        delaySinceLastSenderReport = bytes.rtpUInt32(at: offset + 20)
    }

    /// A block with the given fields.
    public init(
        ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequenceNumber: UInt32,
        jitter: UInt32, lastSenderReport: UInt32, delaySinceLastSenderReport: UInt32
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequenceNumber = extendedHighestSequenceNumber
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }
}

/// The report blocks of an SR or RR: where they start and how many there are.
public struct RTCPReportBlocks: Hashable, Sendable {
    /// Offset of the first block.
    public var offset: Int
    /// Number of blocks (the RC field).
    public var count: Int

    /// The block at `index` in the bytes the packet was parsed from.
    public func block(at index: Int, in bytes: UnsafeRawBufferPointer) -> RTCPReportBlock {
        precondition(index >= 0 && index < count, "RTPCore: report block index out of range")
        return RTCPReportBlock(at: offset + index * RTCPReportBlock.length, in: bytes)
    }
}
