/// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611).
public enum RTCPPacketType {
    /// Sender report.
    public static let senderReport: UInt8 = 200
    /// Receiver report.
    public static let receiverReport: UInt8 = 201
    /// Source description.
    public static let sourceDescription: UInt8 = 202
    /// Goodbye.
    public static let goodbye: UInt8 = 203
    /// Application-defined.
    public static let application: UInt8 = 204
    /// Transport-layer feedback (RFC 4585): generic NACK, transport-cc.
    public static let transportFeedback: UInt8 = 205
    /// Payload-specific feedback (RFC 4585, RFC 5104): PLI, SLI, RPSI, FIR, REMB.
    public static let payloadFeedback: UInt8 = 206
    /// Extended reports (RFC 3611).
    public static let extendedReport: UInt8 = 207
}

/// One packet's common header inside an RTCP compound packet (RFC 3550 §6.4.1):
/// ```
///  0                   1                   2                   3
/// |V=2|P|  count  |      PT       |             length            |
/// ```
/// `count` is RC, SC or FMT depending on the type; `length` is in 32-bit words minus one.
public struct RTCPHeader: Hashable, Sendable {
    /// The P bit.
    public var hasPadding: Bool
    /// The 5-bit count (report count, source count, or feedback message type).
    public var count: UInt8
    /// The packet type (see `RTCPPacketType`).
    public var packetType: UInt8
    /// Offsets of the whole packet, common header and padding included.
    public var range: Range<Int>
    /// Padding octets at the end (the count octet included); 0 without padding.
    public var paddingLength: Int

    /// Offsets of the packet after the 4-byte common header, before padding.
    public var bodyRange: Range<Int> { (range.lowerBound + 4)..<(range.upperBound - paddingLength) }
    /// The packet's offset in the datagram.
    public var offset: Int { range.lowerBound }
}

/// An RTCP compound packet (RFC 3550 §6.1): several RTCP packets back to back in one datagram.
///
/// `init(validating:)` applies the header checks of RFC 3550 Appendix A.2 to every packet
/// (version 2, lengths that sum to the datagram length, padding only on the last packet, the
/// first packet an SR or RR unless reduced-size RTCP per RFC 5506 is allowed); `next(in:)`
/// then walks the packets without allocating.
public struct RTCPCompoundPacket: Hashable, Sendable {
    /// Most packets accepted in one compound. A 1500-octet datagram holds at most 187 empty
    /// packets; real compounds carry 2–5.
    public static let maximumPacketCount = 64
    /// Size of the common header.
    public static let commonHeaderLength = 4

    /// Number of packets in the compound.
    public let packetCount: Int
    /// Length of the compound in octets.
    public let length: Int
    private var position = 0

    /// Validates the compound packet in `bytes` (the whole datagram).
    public init(validating bytes: UnsafeRawBufferPointer, allowReducedSize: Bool = false) throws(RTCPParseError) {
        var offset = 0
        var count = 0
        while offset < bytes.count {
            let header = try Self.header(at: offset, in: bytes)
            if count == 0, !allowReducedSize,
                header.packetType != RTCPPacketType.senderReport, header.packetType != RTCPPacketType.receiverReport
            {
                throw .firstPacketNotReport(packetType: header.packetType)
            }
            if header.hasPadding, header.range.upperBound != bytes.count {
                throw .paddingNotLast(offset: offset)
            }
            count += 1
            guard count <= Self.maximumPacketCount else { throw .tooManyPackets(limit: Self.maximumPacketCount) }
            offset = header.range.upperBound
        }
        guard count > 0 else { throw .tooShort(offset: 0, needed: Self.commonHeaderLength, available: 0) }
        packetCount = count
        length = bytes.count
    }

    /// The next packet's header, or `nil` after the last. `bytes` must be the datagram this
    /// compound was validated from.
    public mutating func next(in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) -> RTCPHeader? {
        guard position < length else { return nil }
        let header = try Self.header(at: position, in: bytes)
        position = header.range.upperBound
        return header
    }

    /// Parses and bounds-checks the common header of the packet at `offset`.
    public static func header(at offset: Int, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) -> RTCPHeader {
        let available = bytes.count - offset
        guard available >= commonHeaderLength else {
            throw .tooShort(offset: offset, needed: commonHeaderLength, available: available)
        }
        let first = bytes[offset]
        let version = first >> 6
        guard version == 2 else { throw .unsupportedVersion(version, offset: offset) }
        let words = Int(bytes.rtpUInt16(at: offset + 2))
        let packetLength = (words + 1) * 4
        guard packetLength <= available else {
            throw .lengthPastEnd(offset: offset, declaredLength: packetLength, available: available)
        }
        let hasPadding = first & 0x20 != 0
        var paddingLength = 0
        if hasPadding {
            paddingLength = Int(bytes[offset + packetLength - 1])
            guard paddingLength >= 1, paddingLength <= packetLength - commonHeaderLength else {
                throw .invalidPadding(offset: offset, paddingLength: paddingLength)
            }
        }
        return RTCPHeader(
            hasPadding: hasPadding, count: first & 0x1F, packetType: bytes[offset + 1],
            range: offset..<(offset + packetLength), paddingLength: paddingLength)
    }
}
