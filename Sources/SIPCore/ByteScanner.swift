/// A cursor over a byte slice that keeps absolute indices; the workhorse of the value parsers.
struct ByteScanner {
    let bytes: ByteView
    var index: Int
    var element: SIPGrammarError.Element

    init(_ bytes: ByteView, element: SIPGrammarError.Element) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.element = element
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    var peek: UInt8? { index < bytes.endIndex ? bytes.unchecked(index) : nil }

    func peek(at offset: Int) -> UInt8? {
        let position = index + offset
        return position < bytes.endIndex ? bytes[position] : nil
    }

    func error(_ reason: SIPGrammarError.Reason, at offset: Int? = nil) -> SIPGrammarError {
        SIPGrammarError(reason, in: element, at: offset ?? index)
    }

    /// The error for the byte at the cursor: unexpected byte, or unexpected end.
    func unexpected() -> SIPGrammarError {
        if let byte = peek { return error(.unexpectedByte(byte)) }
        return error(.unexpectedEnd)
    }

    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        if index < bytes.endIndex && bytes.unchecked(index) == byte {
            index += 1
            return true
        }
        return false
    }

    mutating func expect(_ byte: UInt8) throws(SIPGrammarError) {
        guard consume(byte) else { throw unexpected() }
    }

    /// Consumes `literal` compared ASCII-case-insensitively; on mismatch consumes nothing.
    mutating func consumeCaseInsensitive(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.endIndex - index >= count else { return false }
        let matches = literal.withUTF8Buffer { buffer -> Bool in
            for offset in 0..<count where ASCII.lower(bytes[index + offset]) != ASCII.lower(buffer[offset]) {
                return false
            }
            return true
        }
        if matches { index += count }
        return matches
    }

    /// Consumes bytes of `characters`; returns the consumed range (possibly empty).
    @inline(__always)
    mutating func scan(_ characters: ByteClass) -> Range<Int> {
        let start = index
        while index < bytes.endIndex && characters.contains(bytes.unchecked(index)) { index += 1 }
        return start..<index
    }

    /// Consumes bytes of `characters` and `%HH` escapes; throws on a malformed escape.
    mutating func scanEscaped(_ characters: ByteClass) throws(SIPGrammarError) -> Range<Int> {
        let start = index
        while index < bytes.endIndex {
            let byte = bytes.unchecked(index)
            if characters.contains(byte) {
                index += 1
            } else if byte == UInt8(ascii: "%") {
                guard let high = peek(at: 1), let low = peek(at: 2),
                      SIPChars.hex.contains(high), SIPChars.hex.contains(low) else {
                    throw error(.invalidEscape)
                }
                index += 3
            } else {
                break
            }
        }
        return start..<index
    }

    /// Skips linear white space: SP, HTAB and folded line breaks (CRLF or LF followed by WSP).
    @inline(__always)
    mutating func skipLWS() {
        while index < bytes.endIndex {
            switch bytes.unchecked(index) {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                index += 1
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                var next = index + 1
                if bytes[index] == UInt8(ascii: "\r") && next < bytes.endIndex && bytes[next] == UInt8(ascii: "\n") {
                    next += 1
                }
                guard next < bytes.endIndex, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") else {
                    return
                }
                index = next
            default:
                return
            }
        }
    }

    /// Consumes `SWS byte SWS` (RFC 3261 §25.1 SEMI, EQUAL, COLON, SLASH, COMMA...).
    mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let saved = index
        skipLWS()
        if consume(byte) {
            skipLWS()
            return true
        }
        index = saved
        return false
    }

    /// Requires that only linear white space remains.
    mutating func expectEnd() throws(SIPGrammarError) {
        skipLWS()
        guard isAtEnd else { throw unexpected() }
    }

    /// `1*token-char`; throws if empty.
    mutating func token() throws(SIPGrammarError) -> Range<Int> {
        let range = scan(SIPChars.token)
        guard !range.isEmpty else { throw unexpected() }
        return range
    }

    func string(_ range: Range<Int>) -> String {
        bytes[range].string
    }

    /// A decimal number of at most ``SIPGrammarLimits/maxNumberDigits`` digits not above `maximum`.
    mutating func number(maximum: UInt64) throws(SIPGrammarError) -> UInt64 {
        let start = index
        var value: UInt64 = 0
        while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            guard index - start < SIPGrammarLimits.maxNumberDigits else {
                throw error(.numberOutOfRange, at: start)
            }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
            index += 1
        }
        guard index > start else { throw unexpected() }
        guard value <= maximum else { throw error(.numberOutOfRange, at: start) }
        return value
    }

    /// `quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE` (RFC 3261 §25.1), cursor on
    /// the opening quote. Returns the range *inside* the quotes (escapes still in place), whether
    /// it holds a quoted-pair or a folded line (then ``unquote(_:hasEscapes:)`` must rewrite it),
    /// and whether it holds a folded line.
    mutating func quotedString(limit: Int) throws(SIPGrammarError) -> (range: Range<Int>, hasEscapes: Bool, hasFolds: Bool) {
        let opening = index
        try expect(UInt8(ascii: "\""))
        let start = index
        var hasEscapes = false
        var hasFolds = false
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                return (range, hasEscapes, hasFolds)
            }
            if index - start >= limit {
                throw SIPGrammarError(.limitExceeded(limit), in: .quotedString, at: opening)
            }
            if byte == UInt8(ascii: "\\") {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
                guard let escaped = peek(at: 1), escaped <= 0x7F, escaped != 0x0A, escaped != 0x0D else {
                    throw SIPGrammarError(.invalidEscape, in: .quotedString, at: index)
                }
                hasEscapes = true
                index += 2
            } else if byte == 0x0D || byte == 0x0A {
                // Folded lines inside a quoted string are LWS; bare line breaks are not qdtext.
                let before = index
                skipLWS()
                if index == before { throw SIPGrammarError(.unexpectedByte(byte), in: .quotedString, at: index) }
                hasEscapes = true
                hasFolds = true
            } else if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw SIPGrammarError(.unexpectedByte(byte), in: .quotedString, at: index)
            } else {
                index += 1
            }
        }
        throw SIPGrammarError(.unexpectedEnd, in: .quotedString, at: index)
    }

    /// The wire form of a quoted string from its opening quote to `end`, with the CR and LF of
    /// folded lines removed (RFC 3261 §7.3.1: a fold is equivalent to its white space).
    func quotedWireString(from start: Int, hasFolds: Bool) throws(SIPGrammarError) -> String {
        let text: String?
        if hasFolds {
            text = String(validating: bytes[start..<index].filter { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        } else {
            text = bytes[start..<index].validatedString
        }
        guard let text else { throw SIPGrammarError(.invalidUTF8, in: .quotedString, at: start) }
        return text
    }

    /// The text of a quoted string's inside with quoted-pairs resolved; must be UTF-8.
    func unquote(_ range: Range<Int>, hasEscapes: Bool) throws(SIPGrammarError) -> String {
        if !hasEscapes {
            guard let text = bytes[range].validatedString else {
                throw SIPGrammarError(.invalidUTF8, in: .quotedString, at: range.lowerBound)
            }
            return text
        }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            if bytes[position] == UInt8(ascii: "\\") && position + 1 < range.upperBound {
                position += 1
            } else if bytes[position] == 0x0D || bytes[position] == 0x0A {
                // A folded line (the only way CR or LF gets here) is its white space alone.
                position += 1
                continue
            }
            unescaped.append(bytes[position])
            position += 1
        }
        guard let text = String(validating: unescaped, as: UTF8.self) else {
            throw SIPGrammarError(.invalidUTF8, in: .quotedString, at: range.lowerBound)
        }
        return text
    }
}

/// ASCII helpers that never allocate.
enum ASCII {
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// ASCII-case-insensitive equality of two strings.
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        if lhs == rhs { return true }
        var leftIndex = left.startIndex
        var rightIndex = right.startIndex
        while leftIndex != left.endIndex {
            if lower(left[leftIndex]) != lower(right[rightIndex]) { return false }
            left.formIndex(after: &leftIndex)
            right.formIndex(after: &rightIndex)
        }
        return true
    }

    /// Exact equality of bytes and a literal.
    @inline(__always)
    static func equals(_ bytes: ByteView, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let lhs = bytes.buffer
        let rhs = literal.utf8Start
        for offset in 0..<count where lhs[offset] != rhs[offset] { return false }
        return true
    }

    /// ASCII-case-insensitive equality of bytes and a literal.
    static func equalsIgnoringCase(_ bytes: ByteView, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let lhs = bytes.buffer
        let rhs = literal.utf8Start
        for offset in 0..<count where lower(lhs[offset]) != lower(rhs[offset]) { return false }
        return true
    }

    /// Writes `text` as an RFC 3261 quoted-string: `"`, `\` and control characters become
    /// quoted-pairs; CR and LF, which no quoted-pair may carry, become spaces.
    static func writeQuoted(_ text: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case 0x0A, 0x0D:
                buffer.append(UInt8(ascii: " "))
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F:
                buffer.append(UInt8(ascii: "\\"))
            default:
                break
            }
            buffer.append(byte)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends the decimal digits of `value`.
    static func writeDecimal<T: BinaryInteger>(_ value: T, into buffer: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var remaining = UInt64(value)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[count] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            } while remaining > 0
            for position in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[position]) }
        }
    }
}
