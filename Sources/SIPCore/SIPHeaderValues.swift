/// Splits one header value into its comma-separated elements (RFC 3261 §7.3.1): commas inside a
/// quoted string (with `\` escapes, RFC 3261 §25.1 `quoted-pair`) or inside `<...>` do not
/// separate. Elements are trimmed of whitespace and empty elements are skipped. The elements are
/// slices of the original value: splitting allocates nothing.
public struct SIPHeaderValues: Sequence, IteratorProtocol, Sendable {
    private let value: ArraySlice<UInt8>
    private var position: Int
    /// Bit set of the bytes below 64 that matter to splitting: `"` `,` `<` `>`.
    private static let specialLow: UInt64 = 1 << 34 | 1 << 44 | 1 << 60 | 1 << 62

    /// A splitter over one header value.
    public init(_ value: ArraySlice<UInt8>) {
        self.value = value
        self.position = value.startIndex
    }

    /// The next non-empty element, trimmed; nil after the last.
    public mutating func next() -> ArraySlice<UInt8>? {
        while position < value.endIndex {
            let start = position
            var inQuotes = false
            var angleDepth = 0
            var index = start
            while index < value.endIndex {
                let byte = value[index]
                // Most bytes are none of `"` `,` `<` `>` `\`: one bit test skips them.
                if byte < 64 ? (Self.specialLow >> UInt64(byte)) & 1 == 0 : byte != Octet.backslash {
                    index += 1
                    continue
                }
                if inQuotes {
                    if byte == Octet.backslash { index += 1 } else if byte == Octet.quote { inQuotes = false }
                } else if byte == Octet.quote {
                    inQuotes = true
                } else if byte == Octet.lessThan {
                    angleDepth += 1
                } else if byte == Octet.greaterThan {
                    if angleDepth > 0 { angleDepth -= 1 }
                } else if byte == Octet.comma && angleDepth == 0 {
                    break
                }
                index += 1
            }
            let end = Swift.min(index, value.endIndex)
            position = end < value.endIndex ? end + 1 : value.endIndex
            let element = value[start..<end].trimmingWhitespace()
            if !element.isEmpty { return element }
        }
        return nil
    }
}
