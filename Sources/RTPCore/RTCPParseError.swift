/// Why an RTCP compound packet or one of its packets was rejected (RFC 3550 §6.1, A.2).
/// `offset` is where the offending packet starts in the datagram.
public enum RTCPParseError: Error, Hashable, Sendable {
    /// Fewer bytes than a 4-byte common header, or than a packet type's fixed part needs.
    case tooShort(offset: Int, needed: Int, available: Int)
    /// The version field is not 2.
    case unsupportedVersion(UInt8, offset: Int)
    /// A packet's length field runs past the end of the datagram.
    case lengthPastEnd(offset: Int, declaredLength: Int, available: Int)
    /// The P bit is set on a packet that is not the last of the compound (A.2).
    case paddingNotLast(offset: Int)
    /// The padding count is 0 or larger than the packet's body.
    case invalidPadding(offset: Int, paddingLength: Int)
    /// The first packet is not SR or RR (A.2) and reduced-size RTCP (RFC 5506) was not allowed.
    case firstPacketNotReport(packetType: UInt8)
    /// More packets than `RTCPCompoundPacket.maximumPacketCount`.
    case tooManyPackets(limit: Int)
    /// An SDES chunk or item runs past its packet, or misses its terminating null octet.
    case invalidSourceDescription(offset: Int)
    /// A BYE reason length runs past the packet.
    case invalidGoodbyeReason(offset: Int)
    /// Feedback control information of the wrong size for its message (RFC 4585 §6, RFC 5104 §4.3).
    case invalidFeedback(offset: Int, format: UInt8, fciLength: Int)
}
