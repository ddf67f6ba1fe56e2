/// A source description packet (RFC 3550 §6.5): chunks of an SSRC/CSRC and items
/// (type, length, text), each chunk's item list ended by a null octet and padded with nulls to
/// a 32-bit boundary. Validated whole on parse; walk it with `chunks`.
public struct RTCPSourceDescription: Hashable, Sendable {
    /// SDES item types (RFC 3550 §6.5).
    public enum ItemType {
        /// End of the item list.
        public static let end: UInt8 = 0
        /// Canonical name (CNAME).
        public static let canonicalName: UInt8 = 1
        /// User name.
        public static let name: UInt8 = 2
        /// Tool name and version.
        public static let tool: UInt8 = 6
    }

    /// One chunk: the source and the offsets of its items (before the null terminator).
    public struct Chunk: Hashable, Sendable {
        /// The SSRC or CSRC the chunk describes.
        public var ssrc: UInt32
        /// Offset of the SSRC field (for in-place rewriting).
        public var ssrcOffset: Int
        /// Offsets of the items.
        public var itemsRange: Range<Int>
        /// Offset just past the chunk's padding.
        var end: Int
    }

    /// One item of a chunk.
    public struct Item: Hashable, Sendable {
        /// The item type (see `ItemType`).
        public var type: UInt8
        /// Offsets of the item's text.
        public var valueRange: Range<Int>
    }

    /// The packet's header.
    public var header: RTCPHeader
    /// Number of chunks (SC).
    public var chunkCount: Int { Int(header.count) }

    init(header: RTCPHeader, in bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        self.header = header
        var offset = header.bodyRange.lowerBound
        for _ in 0..<Int(header.count) {
            guard let chunk = Self.chunk(at: offset, end: header.bodyRange.upperBound, in: bytes) else {
                throw .invalidSourceDescription(offset: offset)
            }
            offset = chunk.end
        }
    }

    /// The chunk at `offset`, or `nil` when it is malformed or runs past `end`.
    static func chunk(at start: Int, end: Int, in bytes: UnsafeRawBufferPointer) -> Chunk? {
        guard start + 4 <= end, end <= bytes.count else { return nil }
        var offset = start + 4
        while offset < end {
            if bytes[offset] == ItemType.end {
                let padded = (offset + 1 + 3) & ~3
                guard padded <= end else { return nil }
                return Chunk(ssrc: bytes.rtpUInt32(at: start), ssrcOffset: start, itemsRange: (start + 4)..<offset, end: padded)
            }
            guard offset + 2 <= end else { return nil }
            offset += 2 + Int(bytes[offset + 1])
        }
        return nil
    }

    /// The chunks, read from the bytes the packet was parsed from.
    public var chunks: Chunks { Chunks(position: header.bodyRange.lowerBound, end: header.bodyRange.upperBound, remaining: chunkCount) }

    /// An allocation-free walk over the chunks.
    public struct Chunks: Hashable, Sendable {
        var position: Int
        let end: Int
        var remaining: Int

        /// The next chunk, or `nil` after the last.
        public mutating func next(in bytes: UnsafeRawBufferPointer) -> Chunk? {
            guard remaining > 0, let chunk = RTCPSourceDescription.chunk(at: position, end: end, in: bytes) else { return nil }
            remaining -= 1
            position = chunk.end
            return chunk
        }
    }

    /// The first item of `type` in `chunk`, if any.
    public static func item(_ type: UInt8, in chunk: Chunk, bytes: UnsafeRawBufferPointer) -> Item? {
        var offset = chunk.itemsRange.lowerBound
        while offset + 2 <= chunk.itemsRange.upperBound {
            let valueStart = offset + 2
            let valueEnd = valueStart + Int(bytes[offset + 1])
            guard valueEnd <= chunk.itemsRange.upperBound else { return nil }
            if bytes[offset] == type { return Item(type: type, valueRange: valueStart..<valueEnd) }
            offset = valueEnd
        }
        return nil
    }
}
