/// A feedback message (RFC 4585 §6.1), transport-layer (RTPFB) or payload-specific (PSFB):
/// ```
/// |V=2|P|   FMT   |       PT      |          length               |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source                         |
/// :            Feedback Control Information (FCI)                 :
/// ```
public struct RTCPFeedback: Hashable, Sendable {
    /// The message a feedback packet carries, by packet type and FMT.
    public enum Message: Hashable, Sendable {
        /// RTPFB FMT 1, generic NACK (RFC 4585 §6.2.1): FCI entries of PID and BLP.
        case genericNACK
        /// PSFB FMT 1, picture loss indication (RFC 4585 §6.3.1): no FCI.
        case pictureLossIndication
        /// PSFB FMT 2, slice loss indication (RFC 4585 §6.3.2).
        case sliceLossIndication
        /// PSFB FMT 3, reference picture selection indication (RFC 4585 §6.3.3).
        case referencePictureSelection
        /// PSFB FMT 4, full intra request (RFC 5104 §4.3.1): FCI entries of SSRC and sequence.
        case fullIntraRequest
        /// PSFB FMT 15, application layer feedback (RFC 4585 §6.4), e.g. REMB.
        case applicationLayer
        /// Any other FMT of either type.
        case other(packetType: UInt8, format: UInt8)
    }

    /// One generic NACK entry: a lost packet ID and a bitmask of the 16 following losses.
    public struct NACKEntry: Hashable, Sendable {
        /// Size of one FCI entry.
        public static let length = 4
        /// The lost packet's sequence number (PID).
        public var packetID: UInt16
        /// Bit i set: packet PID + i + 1 lost too (BLP).
        public var lostBitmask: UInt16

        /// An entry for lost packet `packetID` and bitmask `lostBitmask`.
        public init(packetID: UInt16, lostBitmask: UInt16) {
            self.packetID = packetID
            self.lostBitmask = lostBitmask
        }

        /// Calls `body` with every sequence number this entry reports lost, in order.
        public func forEachLostSequenceNumber(_ body: (UInt16) -> Void) {
            body(packetID)
            for bit in 0..<16 where lostBitmask & (1 << bit) != 0 {
                body(packetID &+ UInt16(bit + 1))
            }
        }
    }

    /// One FIR entry (RFC 5104 §4.3.1.1): the source asked for a decoder refresh.
    public struct FIREntry: Hashable, Sendable {
        /// Size of one FCI entry.
        public static let length = 8
        /// The media sender asked to send a key frame.
        public var ssrc: UInt32
        /// The request's command sequence number.
        public var sequenceNumber: UInt8

        /// An entry asking `ssrc` for a key frame, command sequence number `sequenceNumber`.
        public init(ssrc: UInt32, sequenceNumber: UInt8) {
            self.ssrc = ssrc
            self.sequenceNumber = sequenceNumber
        }
    }

    /// The packet's header.
    public var header: RTCPHeader
    /// The feedback message type (FMT).
    public var format: UInt8 { header.count }
    /// SSRC of the packet's sender.
    public var senderSSRC: UInt32
    /// SSRC of the media source the feedback is about (0 for FIR, RFC 5104 §4.3.1.2).
    public var mediaSSRC: UInt32
    /// Offsets of the FCI.
    public var fciRange: Range<Int>

    /// The message type.
    public var message: Message {
        switch (header.packetType, format) {
        case (RTCPPacketType.transportFeedback, 1): .genericNACK
        case (RTCPPacketType.payloadFeedback, 1): .pictureLossIndication
        case (RTCPPacketType.payloadFeedback, 2): .sliceLossIndication
        case (RTCPPacketType.payloadFeedback, 3): .referencePictureSelection
        case (RTCPPacketType.payloadFeedback, 4): .fullIntraRequest
        case (RTCPPacketType.payloadFeedback, 15): .applicationLayer
        default: .other(packetType: header.packetType, format: format)
        }
    }

    /// Number of NACK entries (generic NACK) or FIR entries (FIR); 0 otherwise.
    public var entryCount: Int {
        switch message {
        case .genericNACK: fciRange.count / NACKEntry.length
        case .fullIntraRequest: fciRange.count / FIREntry.length
        default: 0
        }
    }

    init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        try header.requireBody(8)
        let body = header.bodyRange.lowerBound
        self.header = header
        senderSSRC = bytes.rtpUInt32(at: body)
        mediaSSRC = bytes.rtpUInt32(at: body + 4)
        fciRange = (body + 8)..<header.bodyRange.upperBound
        let fciLength = fciRange.count
        let valid: Bool
        switch message {
        case .genericNACK: valid = fciLength > 0 && fciLength % NACKEntry.length == 0
        case .pictureLossIndication: valid = fciLength == 0
        case .fullIntraRequest: valid = fciLength > 0 && fciLength % FIREntry.length == 0
        default: valid = true
        }
        guard valid else { throw .invalidFeedback(offset: header.offset, format: header.count, fciLength: fciLength) }
    }

    /// The NACK entry at `index` (generic NACK only) in the bytes the packet was parsed from.
    public func nackEntry(at index: Int, in bytes: UnsafeRawBufferPointer) -> NACKEntry {
        precondition(message == .genericNACK && index >= 0 && index < entryCount, "RTPCore: NACK index out of range")
        let offset = fciRange.lowerBound + index * NACKEntry.length
        return NACKEntry(packetID: bytes.rtpUInt16(at: offset), lostBitmask: bytes.rtpUInt16(at: offset + 2))
    }

    /// The FIR entry at `index` (FIR only) in the bytes the packet was parsed from.
    public func firEntry(at index: Int, in bytes: UnsafeRawBufferPointer) -> FIREntry {
        precondition(message == .fullIntraRequest && index >= 0 && index < entryCount, "RTPCore: FIR index out of range")
        let offset = fciRange.lowerBound + index * FIREntry.length
        return FIREntry(ssrc: bytes.rtpUInt32(at: offset), sequenceNumber: bytes[offset + 4])
    }
}
