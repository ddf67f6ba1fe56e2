import NIOCore

/// Why an RTP packet could not be built: a field out of its wire range.
public enum RTPBuildError: Error, Hashable, Sendable {
    /// Payload type over 127.
    case payloadTypeOutOfRange(UInt8)
    /// More than 15 CSRC identifiers (the CC field is 4 bits).
    case tooManyCSRCs(Int)
    /// Extension data over 65535 32-bit words.
    case extensionTooLong(Int)
    /// Padding must be 1…255 octets (the count octet included).
    case invalidPadding(Int)
    /// An RFC 8285 element identifier outside 1…14 (one-byte) or 1…255 (two-byte).
    case invalidExtensionID(UInt8)
    /// An RFC 8285 element length outside 1…16 (one-byte) or 0…255 (two-byte).
    case invalidExtensionElementLength(Int)
}

/// Builds RTP packets (RFC 3550 §5.1) for streams the gateway originates (transcoded audio,
/// generated RFC 4733 events) and for tests.
public struct RTPPacketBuilder: Hashable, Sendable {
    /// The marker bit.
    public var marker: Bool
    /// The payload type (0…127).
    public var payloadType: UInt8
    /// The sequence number.
    public var sequenceNumber: UInt16
    /// The timestamp.
    public var timestamp: UInt32
    /// The SSRC.
    public var ssrc: UInt32
    /// CSRC identifiers (at most 15).
    public var csrcs: [UInt32]
    /// The extension profile; with it, `extensionData` is written as the §5.3.1 extension.
    public var extensionProfile: UInt16?
    /// Extension data; zero-padded to a multiple of 4 octets when written.
    public var extensionData: [UInt8]
    /// Padding octets to append (0 for none; otherwise 1…255, the count octet included).
    public var paddingLength: Int

    /// A builder for a header with no CSRCs, extension or padding.
    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = []
        self.extensionProfile = nil
        self.extensionData = []
        self.paddingLength = 0
    }

    /// Sets a one-byte (RFC 8285 §4.2) extension from `(id, data)` elements.
    public mutating func setOneByteExtension(_ elements: [(id: UInt8, data: [UInt8])]) throws(RTPBuildError) {
        var data: [UInt8] = []
        for element in elements {
            guard (1...14).contains(element.id) else { throw .invalidExtensionID(element.id) }
            guard (1...16).contains(element.data.count) else {
                throw .invalidExtensionElementLength(element.data.count)
            }
            data.append(element.id << 4 | UInt8(element.data.count - 1))
            data.append(contentsOf: element.data)
        }
        extensionProfile = RTPHeaderExtensionElements.oneByteProfile
        extensionData = data
    }

    /// Sets a two-byte (RFC 8285 §4.3) extension from `(id, data)` elements.
    public mutating func setTwoByteExtension(_ elements: [(id: UInt8, data: [UInt8])], appBits: UInt8 = 0) throws(RTPBuildError) {
        var data: [UInt8] = []
        for element in elements {
            guard element.id >= 1 else { throw .invalidExtensionID(element.id) }
            guard element.data.count <= 255 else { throw .invalidExtensionElementLength(element.data.count) }
            data.append(element.id)
            data.append(UInt8(element.data.count))
            data.append(contentsOf: element.data)
        }
        extensionProfile = RTPHeaderExtensionElements.twoByteProfile | UInt16(appBits & 0x0F)
        extensionData = data
    }

    /// Writes the packet (header, `payload`, padding) at `buffer`'s writer index and returns the
    /// number of octets written. Nothing is written when a field is out of range.
    @discardableResult
    public func write(payload: some Collection<UInt8>, to buffer: inout ByteBuffer) throws(RTPBuildError) -> Int {
        guard payloadType <= 0x7F else { throw .payloadTypeOutOfRange(payloadType) }
        guard csrcs.count <= 15 else { throw .tooManyCSRCs(csrcs.count) }
        let extensionWords = (extensionData.count + 3) / 4
        guard extensionWords <= 0xFFFF else { throw .extensionTooLong(extensionData.count) }
        guard paddingLength == 0 || (1...255).contains(paddingLength) else { throw .invalidPadding(paddingLength) }

        let start = buffer.writerIndex
        var first: UInt8 = RTPHeader.version << 6 | UInt8(csrcs.count)
        if paddingLength > 0 { first |= 0x20 }
        if extensionProfile != nil { first |= 0x10 }
        buffer.writeInteger(first)
        buffer.writeInteger((marker ? 0x80 : 0) | payloadType)
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        for csrc in csrcs { buffer.writeInteger(csrc) }
        if let extensionProfile {
            buffer.writeInteger(extensionProfile)
            buffer.writeInteger(UInt16(extensionWords))
            buffer.writeBytes(extensionData)
            buffer.writeRepeatingByte(0, count: extensionWords * 4 - extensionData.count)
        }
        buffer.writeBytes(payload)
        if paddingLength > 0 {
            buffer.writeRepeatingByte(0, count: paddingLength - 1)
            buffer.writeInteger(UInt8(paddingLength))
        }
        return buffer.writerIndex - start
    }
}
