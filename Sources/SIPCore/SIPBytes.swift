// Byte-level helpers shared by the message indexer, the header splitter and the accessors.
// Everything here works on UInt8 so that indexing a message never creates a String.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@usableFromInline
enum Octet {
    @usableFromInline static let cr: UInt8 = 0x0D
    @usableFromInline static let lf: UInt8 = 0x0A
    @usableFromInline static let space: UInt8 = 0x20
    @usableFromInline static let tab: UInt8 = 0x09
    @usableFromInline static let colon: UInt8 = 0x3A
    @usableFromInline static let comma: UInt8 = 0x2C
    @usableFromInline static let semicolon: UInt8 = 0x3B
    @usableFromInline static let quote: UInt8 = 0x22
    @usableFromInline static let backslash: UInt8 = 0x5C
    @usableFromInline static let lessThan: UInt8 = 0x3C
    @usableFromInline static let greaterThan: UInt8 = 0x3E
    @usableFromInline static let equals: UInt8 = 0x3D

    /// SP or HTAB (RFC 3261 §25.1 `WSP`).
    @inlinable @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inlinable @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// RFC 3261 §25.1 `token` characters: alphanum and `-.!%*_+`'~` (a bit set of the 128 ASCII
    /// bytes, so the test is two shifts and no table).
    @inlinable @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        if byte < 64 { return (UInt64(0x3ff6ca200000000) >> UInt64(byte)) & 1 != 0 }
        if byte < 128 { return (UInt64(0x47ffffff87fffffe) >> UInt64(byte &- 64)) & 1 != 0 }
        return false
    }

    /// Lower-cases an ASCII letter; other bytes are returned unchanged.
    @inlinable @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
}

/// Finds the first LF in `buffer[from..<to]` (memchr, so long lines cost little).
@inline(__always)
func findLineFeed(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
    guard from < to, let base = buffer.baseAddress else { return nil }
    guard let hit = memchr(base + from, Int32(Octet.lf), to - from) else { return nil }
    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
}

extension ArraySlice where Element == UInt8 {
    /// The slice without leading and trailing SP/HTAB/CR/LF.
    @inlinable
    func trimmingWhitespace() -> ArraySlice<UInt8> {
        var lower = startIndex
        var upper = endIndex
        while lower < upper, self[lower] == Octet.space || self[lower] == Octet.tab
            || self[lower] == Octet.cr || self[lower] == Octet.lf { lower += 1 }
        while upper > lower, self[upper - 1] == Octet.space || self[upper - 1] == Octet.tab
            || self[upper - 1] == Octet.cr || self[upper - 1] == Octet.lf { upper -= 1 }
        return self[lower..<upper]
    }

    /// ASCII case-insensitive comparison with `other`, which must already be lower case.
    @inlinable
    func equalsLowercased<S: Collection>(_ other: S) -> Bool where S.Element == UInt8 {
        guard count == other.count else { return false }
        var index = startIndex
        for byte in other {
            if Octet.lower(self[index]) != byte { return false }
            index += 1
        }
        return true
    }

    /// Parses the slice as a non-negative decimal integer (no sign, no whitespace); nil on any
    /// other byte, on an empty slice or on overflow past `limit`.
    @inlinable
    func parseDecimal(limit: Int = Int(Int32.max)) -> Int? {
        guard !isEmpty else { return nil }
        var value = 0
        for byte in self {
            guard Octet.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte &- 0x30)
            if value > limit { return nil }
        }
        return value
    }
}

extension String {
    /// Decodes bytes as UTF-8, replacing invalid sequences (peer bytes never trap).
    @inlinable
    init(sipBytes bytes: ArraySlice<UInt8>) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}
