/// One RFC 8285 header extension element: its local identifier and the offsets of its data.
public struct RTPHeaderExtensionElement: Hashable, Sendable {
    /// The local identifier negotiated with `a=extmap` (1…14 one-byte, 1…255 two-byte).
    public var id: UInt8
    /// Offsets of the element's data in the packet.
    public var dataRange: Range<Int>
}

/// The elements of an RFC 8285 header extension block, read one at a time without allocating.
///
/// RFC 8285 §4.2 (one-byte form, profile 0xBEDE): each element is a byte `ID(4) | L(4)` followed
/// by L+1 data bytes; ID 0 is a padding byte; ID 15 ends processing of the block.
/// §4.3 (two-byte form, profile 0x100 + appbits): `ID(8)`, `length(8)`, then `length` data bytes;
/// ID 0 is a padding byte.
public struct RTPHeaderExtensionElements: Hashable, Sendable {
    /// The one-byte form's profile value (RFC 8285 §4.2).
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// The two-byte form's profile value with appbits masked off (RFC 8285 §4.3).
    public static let twoByteProfile: UInt16 = 0x1000
    /// The one-byte form's reserved ID that ends processing (RFC 8285 §4.2).
    public static let oneByteTerminatorID: UInt8 = 15

    /// Which RFC 8285 form the block uses.
    public enum Form: Hashable, Sendable {
        /// One-byte headers.
        case oneByte
        /// Two-byte headers, with the profile's 4 application bits.
        case twoByte(appBits: UInt8)
    }

    /// The block's form.
    public let form: Form
    /// Offsets of the block's data in the packet.
    public let dataRange: Range<Int>
    private var position: Int

    /// Recognises the RFC 8285 form from the extension profile; `nil` for other profiles.
    public init?(profile: UInt16, dataRange: Range<Int>) {
        if profile == Self.oneByteProfile {
            form = .oneByte
        } else if profile & 0xFFF0 == Self.twoByteProfile {
            form = .twoByte(appBits: UInt8(profile & 0x000F))
        } else {
            return nil
        }
        self.dataRange = dataRange
        self.position = dataRange.lowerBound
    }

    /// Returns the next element in `bytes` (the packet the header was parsed from), or `nil`
    /// at the end of the block. Padding bytes are skipped.
    public mutating func next(in bytes: UnsafeRawBufferPointer) throws(RTPParseError) -> RTPHeaderExtensionElement? {
        let end = min(dataRange.upperBound, bytes.count)
        while position < end {
            let start = position
            let first = bytes[start]
            switch form {
            case .oneByte:
                let id = first >> 4
                if id == 0 {
                    position += 1
                    continue
                }
                if id == Self.oneByteTerminatorID {
                    position = end
                    return nil
                }
                let dataStart = start + 1
                let dataEnd = dataStart + Int(first & 0x0F) + 1
                guard dataEnd <= end else { throw .invalidExtensionElement(offset: start) }
                position = dataEnd
                return RTPHeaderExtensionElement(id: id, dataRange: dataStart..<dataEnd)
            case .twoByte:
                if first == 0 {
                    position += 1
                    continue
                }
                guard start + 2 <= end else { throw .invalidExtensionElement(offset: start) }
                let dataStart = start + 2
                let dataEnd = dataStart + Int(bytes[start + 1])
                guard dataEnd <= end else { throw .invalidExtensionElement(offset: start) }
                position = dataEnd
                return RTPHeaderExtensionElement(id: first, dataRange: dataStart..<dataEnd)
            }
        }
        return nil
    }

    /// Finds the first element with local identifier `id`, scanning from the block's start.
    public func element(id: UInt8, in bytes: UnsafeRawBufferPointer) throws(RTPParseError) -> RTPHeaderExtensionElement? {
        var scan = RTPHeaderExtensionElements(restartingFrom: self)
        while let element = try scan.next(in: bytes) {
            if element.id == id { return element }
        }
        return nil
    }

    private init(restartingFrom other: RTPHeaderExtensionElements) {
        form = other.form
        dataRange = other.dataRange
        position = other.dataRange.lowerBound
    }
}
