/// A cursor over a byte slice that keeps absolute indices; the workhorse of the value parsers.
struct ByteScanner {
    let bytes: ArraySlice<UInt8>
    var index: Int
    var element: SIPGrammarError.Element

    init(_ bytes: ArraySlice<UInt8>, element: SIPGrammarError.Element) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.element = element
    }

    var isAtEnd: Bool { index >= bytes.endIndex }

    var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

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
        if index < bytes.endIndex && bytes[index] == byte {
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
        while index < bytes.endIndex && characters.contains(bytes[index]) { index += 1 }
        return start..<index
    }

    /// Consumes bytes of `characters` and `%HH` escapes; throws on a malformed escape.
    mutating func scanEscaped(_ characters: ByteClass) throws(SIPGrammarError) -> Range<Int> {
        let start = index
        while index < bytes.endIndex {
            let byte = bytes[index]
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
            switch bytes[index] {
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
        String(decoding: bytes[range], as: UTF8.self)
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
    /// the opening quote. Returns the range *inside* the quotes (escapes still in place) and whether
    /// it holds any quoted-pair.
    mutating func quotedString(limit: Int) throws(SIPGrammarError) -> (range: Range<Int>, hasEscapes: Bool) {
        let opening = index
        try expect(UInt8(ascii: "\""))
        let start = index
        var hasEscapes = false
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                return (range, hasEscapes)
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
            } else if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw SIPGrammarError(.unexpectedByte(byte), in: .quotedString, at: index)
            } else {
                index += 1
            }
        }
        throw SIPGrammarError(.unexpectedEnd, in: .quotedString, at: index)
    }

    /// The text of a quoted string's inside with quoted-pairs resolved; must be UTF-8.
    func unquote(_ range: Range<Int>, hasEscapes: Bool) throws(SIPGrammarError) -> String {
        if !hasEscapes {
            guard let text = String(validating: bytes[range], as: UTF8.self) else {
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
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?) where lower(a) == lower(b): continue
            default: return false
            }
        }
    }

    /// ASCII-case-insensitive equality of bytes and a literal.
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { buffer in
            var offset = 0
            for byte in bytes {
                if lower(byte) != lower(buffer[offset]) { return false }
                offset += 1
            }
            return true
        }
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
