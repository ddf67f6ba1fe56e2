/// Splits one header value into its comma-separated elements (RFC 3261 §7.3.1): commas inside a
/// quoted string (with `\` escapes, RFC 3261 §25.1 `quoted-pair`) or inside `<...>` do not
/// separate. Elements are trimmed of whitespace and empty elements are skipped. The elements are
/// slices of the original value: splitting allocates nothing.
public struct SIPHeaderValues: Sequence, IteratorProtocol, Sendable {
    private let value: ArraySlice<UInt8>
    private var position: Int

    public init(_ value: ArraySlice<UInt8>) {
        self.value = value
        self.position = value.startIndex
    }

    public mutating func next() -> ArraySlice<UInt8>? {
        while position < value.endIndex {
            let start = position
            var inQuotes = false
            var angleDepth = 0
            var index = start
            while index < value.endIndex {
                let byte = value[index]
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
