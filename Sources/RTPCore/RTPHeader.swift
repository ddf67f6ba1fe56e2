import NIOCore

/// A parsed RTP header: a view of field values and byte offsets into the packet it was parsed
/// from. Parsing copies no payload; `payloadRange` and friends index the original bytes.
///
/// RFC 3550 §5.1 fixed header:
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|X|  CC   |M|     PT      |       sequence number         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                           timestamp                           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           synchronization source (SSRC) identifier            |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |            contributing source (CSRC) identifiers             |
/// |                             ....                              |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// followed, when X is set, by the §5.3.1 extension (16-bit profile, 16-bit length in 32-bit
/// words, data), then the payload, then (when P is set) padding whose last octet is its count.
public struct RTPHeader: Hashable, Sendable {
    /// The only RTP version (RFC 3550 §5.1).
    public static let version: UInt8 = 2
    /// Length of the fixed header in octets (RFC 3550 §5.1).
    public static let fixedHeaderLength = 12
    /// Largest packet accepted: a UDP datagram's payload limit. Anything larger is not from a
    /// UDP socket and is rejected rather than trusted.
    public static let maximumPacketLength = 65_507
    /// Offset of the sequence number field.
    public static let sequenceNumberOffset = 2
    /// Offset of the timestamp field.
    public static let timestampOffset = 4
    /// Offset of the SSRC field.
    public static let ssrcOffset = 8

    /// The header extension block of RFC 3550 §5.3.1.
    public struct Extension: Hashable, Sendable {
        /// The 16-bit "defined by profile" field: 0xBEDE for RFC 8285 one-byte elements,
        /// 0x100 + appbits (0x1000…0x100F) for two-byte elements.
        public var profile: UInt16
        /// Offsets of the extension data (after the 4-byte extension header).
        public var dataRange: Range<Int>

        /// An extension block with `profile` whose data occupies `dataRange`.
        public init(profile: UInt16, dataRange: Range<Int>) {
            self.profile = profile
            self.dataRange = dataRange
        }
    }

    /// The padding bit P.
    public var hasPadding: Bool
    /// The marker bit M.
    public var marker: Bool
    /// The 7-bit payload type.
    public var payloadType: UInt8
    /// The 16-bit sequence number.
    public var sequenceNumber: UInt16
    /// The 32-bit media timestamp.
    public var timestamp: UInt32
    /// The synchronization source identifier.
    public var ssrc: UInt32
    /// The number of CSRC identifiers (CC).
    public var csrcCount: Int
    /// The header extension, when the X bit is set.
    public var headerExtension: Extension?
    /// Offsets of the payload: after the header (and extension), before any padding.
    public var payloadRange: Range<Int>
    /// Number of padding octets at the end, including the count octet; 0 without padding.
    public var paddingLength: Int

    /// Offset of the first CSRC identifier; the list is `csrcCount` 32-bit words.
    public var csrcOffset: Int { Self.fixedHeaderLength }
    /// Length of everything before the payload (fixed header, CSRCs, extension).
    public var headerLength: Int { payloadRange.lowerBound }
    /// Length of the whole packet as parsed.
    public var packetLength: Int { payloadRange.upperBound + paddingLength }

    /// Parses the header of the RTP packet held in `bytes` (the whole datagram).
    ///
    /// Checks every length the header declares against `bytes.count`; never reads out of
    /// bounds and never traps on malformed input.
    @inlinable
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPParseError) {
        let length = bytes.count
        guard length >= Self.fixedHeaderLength else {
            throw .tooShort(length: length, needed: Self.fixedHeaderLength)
        }
        guard length <= Self.maximumPacketLength else {
            throw .tooLong(length: length, limit: Self.maximumPacketLength)
        }
        let first = bytes[0]
        let version = first >> 6
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let second = bytes[1]
        let csrcCount = Int(first & 0x0F)
        var offset = Self.fixedHeaderLength + 4 * csrcCount
        guard offset <= length else { throw .csrcListPastEnd(csrcCount: csrcCount, length: length) }

        var headerExtension: Extension?
        if first & 0x10 != 0 {
            guard offset + 4 <= length else {
                throw .extensionPastEnd(declaredLength: 4, available: length - offset)
            }
            let profile = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let words = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let dataStart = offset + 4
            let dataEnd = dataStart + 4 * words
            guard dataEnd <= length else {
                throw .extensionPastEnd(declaredLength: 4 + 4 * words, available: length - offset)
            }
            headerExtension = Extension(profile: profile, dataRange: dataStart..<dataEnd)
            offset = dataEnd
        }

        var paddingLength = 0
        let hasPadding = first & 0x20 != 0
        if hasPadding {
            paddingLength = Int(bytes[length - 1])
            guard paddingLength >= 1, paddingLength <= length - offset else {
                throw .invalidPadding(paddingLength: paddingLength, available: length - offset)
            }
        }

        self.hasPadding = hasPadding
        self.marker = second & 0x80 != 0
        self.payloadType = second & 0x7F
        // In bounds: length >= fixedHeaderLength was checked first.
        self.sequenceNumber = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: Self.sequenceNumberOffset, as: UInt16.self))
        self.timestamp = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: Self.timestampOffset, as: UInt32.self))
        self.ssrc = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: Self.ssrcOffset, as: UInt32.self))
        self.csrcCount = csrcCount
        self.headerExtension = headerExtension
        self.payloadRange = offset..<(length - paddingLength)
        self.paddingLength = paddingLength
    }

    /// The CSRC identifier at `index` (0..<csrcCount) in the bytes this header was parsed from.
    public func csrc(at index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32 {
        precondition(index >= 0 && index < csrcCount, "RTPCore: CSRC index out of range")
        return bytes.rtpUInt32(at: csrcOffset + 4 * index)
    }

    /// The RFC 8285 elements of the header extension, when it uses the one-byte or two-byte
    /// form; `nil` without an extension or with another profile.
    public var extensionElements: RTPHeaderExtensionElements? {
        guard let headerExtension else { return nil }
        return RTPHeaderExtensionElements(profile: headerExtension.profile, dataRange: headerExtension.dataRange)
    }
}

extension ByteBuffer {
    /// Parses the RTP header of the packet in this buffer's readable bytes. Offsets in the
    /// result are relative to `readerIndex`.
    @inlinable
    public func rtpHeader() throws(RTPParseError) -> RTPHeader {
        // A typed error escaping `withUnsafeReadableBytes` would be boxed as `any Error`; carry
        // it out as a value instead (this path runs once per relayed packet).
        var failure = RTPParseError.tooShort(length: 0, needed: RTPHeader.fixedHeaderLength)
        let header = withUnsafeReadableBytes { bytes -> RTPHeader? in
            do throws(RTPParseError) {
                return try RTPHeader(parsing: bytes)
            } catch {
                failure = error
                return nil
            }
        }
        guard let header else { throw failure }
        return header
    }
}
