/// One RTCP packet of a compound, decoded by type into a view of offsets and fixed fields.
public enum RTCPPacket: Hashable, Sendable {
    /// SR (RFC 3550 §6.4.1).
    case senderReport(RTCPSenderReport)
    /// RR (RFC 3550 §6.4.2).
    case receiverReport(RTCPReceiverReport)
    /// SDES (RFC 3550 §6.5).
    case sourceDescription(RTCPSourceDescription)
    /// BYE (RFC 3550 §6.6).
    case goodbye(RTCPGoodbye)
    /// APP (RFC 3550 §6.7).
    case application(RTCPApplication)
    /// RTPFB (RFC 4585 §6.2).
    case transportFeedback(RTCPFeedback)
    /// PSFB (RFC 4585 §6.3, RFC 5104 §4.3).
    case payloadFeedback(RTCPFeedback)
    /// Any other type (XR, future types): the header only.
    case other(RTCPHeader)

    /// Decodes the packet `header` describes, checking its type's fixed layout.
    public init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        switch header.packetType {
        case RTCPPacketType.senderReport:
            self = .senderReport(try RTCPSenderReport(header: header, in: bytes))
        case RTCPPacketType.receiverReport:
            self = .receiverReport(try RTCPReceiverReport(header: header, in: bytes))
        case RTCPPacketType.sourceDescription:
            self = .sourceDescription(try RTCPSourceDescription(header: header, in: bytes))
        case RTCPPacketType.goodbye:
            self = .goodbye(try RTCPGoodbye(header: header, in: bytes))
        case RTCPPacketType.application:
            self = .application(try RTCPApplication(header: header, in: bytes))
        case RTCPPacketType.transportFeedback:
            self = .transportFeedback(try RTCPFeedback(header: header, in: bytes))
        case RTCPPacketType.payloadFeedback:
            self = .payloadFeedback(try RTCPFeedback(header: header, in: bytes))
        default:
            self = .other(header)
        }
    }
}

extension RTCPHeader {
    /// Throws unless the body holds at least `needed` octets.
    func requireBody(_ needed: Int) throws(RTCPParseError) {
        guard bodyRange.count >= needed else {
            throw .tooShort(offset: offset, needed: needed + RTCPCompoundPacket.commonHeaderLength, available: range.count)
        }
    }
}

/// A sender report (RFC 3550 §6.4.1): sender info and report blocks.
public struct RTCPSenderReport: Hashable, Sendable {
    /// Octets of sender SSRC plus sender info.
    public static let fixedLength = 24
    /// The packet's header.
    public var header: RTCPHeader
    /// The sender's SSRC.
    public var ssrc: UInt32
    /// The 64-bit NTP wall-clock timestamp.
    public var ntpTimestamp: UInt64
    /// The RTP timestamp matching `ntpTimestamp`.
    public var rtpTimestamp: UInt32
    /// Packets sent.
    public var packetCount: UInt32
    /// Payload octets sent.
    public var octetCount: UInt32
    /// The report blocks.
    public var reportBlocks: RTCPReportBlocks

    init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let count = Int(header.count)
        try header.requireBody(Self.fixedLength + count * RTCPReportBlock.length)
        let body = header.bodyRange.lowerBound
        self.header = header
        ssrc = bytes.rtpUInt32(at: body)
        ntpTimestamp = UInt64(bytes.rtpUInt32(at: body + 4)) << 32 | UInt64(bytes.rtpUInt32(at: body + 8))
        rtpTimestamp = bytes.rtpUInt32(at: body + 12)
        packetCount = bytes.rtpUInt32(at: body + 16)
        octetCount = bytes.rtpUInt32(at: body + 20)
        reportBlocks = RTCPReportBlocks(offset: body + Self.fixedLength, count: count)
    }
}

/// A receiver report (RFC 3550 §6.4.2).
public struct RTCPReceiverReport: Hashable, Sendable {
    /// The packet's header.
    public var header: RTCPHeader
    /// The reporter's SSRC.
    public var ssrc: UInt32
    /// The report blocks.
    public var reportBlocks: RTCPReportBlocks

    init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let count = Int(header.count)
        try header.requireBody(4 + count * RTCPReportBlock.length)
        let body = header.bodyRange.lowerBound
        self.header = header
        ssrc = bytes.rtpUInt32(at: body)
        reportBlocks = RTCPReportBlocks(offset: body + 4, count: count)
    }
}

/// A goodbye (RFC 3550 §6.6): the sources leaving and an optional reason.
public struct RTCPGoodbye: Hashable, Sendable {
    /// The packet's header.
    public var header: RTCPHeader
    /// Number of SSRC/CSRC identifiers (SC).
    public var sourceCount: Int
    /// Offsets of the reason text, if present.
    public var reasonRange: Range<Int>?

    /// Offset of the first identifier.
    public var sourcesOffset: Int { header.bodyRange.lowerBound }

    /// The identifier at `index` in the bytes the packet was parsed from.
    public func source(at index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32 {
        precondition(index >= 0 && index < sourceCount, "RTPCore: BYE source index out of range")
        return bytes.rtpUInt32(at: sourcesOffset + 4 * index)
    }

    init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        sourceCount = Int(header.count)
        try header.requireBody(4 * sourceCount)
        self.header = header
        let reasonStart = header.bodyRange.lowerBound + 4 * sourceCount
        if reasonStart < header.bodyRange.upperBound {
            let textStart = reasonStart + 1
            let textEnd = textStart + Int(bytes[reasonStart])
            guard textEnd <= header.bodyRange.upperBound else { throw .invalidGoodbyeReason(offset: header.offset) }
            reasonRange = textStart..<textEnd
        } else {
            reasonRange = nil
        }
    }
}

/// An application-defined packet (RFC 3550 §6.7).
public struct RTCPApplication: Hashable, Sendable {
    /// The packet's header.
    public var header: RTCPHeader
    /// The 5-bit subtype.
    public var subtype: UInt8 { header.count }
    /// The sender's SSRC.
    public var ssrc: UInt32
    /// The four ASCII name octets as a big-endian word.
    public var name: UInt32
    /// Offsets of the application data.
    public var dataRange: Range<Int>

    init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        try header.requireBody(8)
        let body = header.bodyRange.lowerBound
        self.header = header
        ssrc = bytes.rtpUInt32(at: body)
        name = bytes.rtpUInt32(at: body + 4)
        dataRange = (body + 8)..<header.bodyRange.upperBound
    }
}
