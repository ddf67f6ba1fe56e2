/// Why an attribute value does not follow its grammar. The parser wraps it in an
/// ``SDPParseError`` with the line number.
public struct AttributeSyntaxError: Error, Sendable, Hashable {
    /// What is wrong, in words fit for a log line.
    public var reason: String

    /// Creates the error.
    public init(_ reason: String) { self.reason = reason }
}

// MARK: Lexical helpers shared by the parsers.

/// Splits on runs of spaces and tabs (SDP fields are single-space separated, RFC 8866 §5; real
/// devices sometimes double them). Works on UTF-8 code units: no grapheme breaking.
func splitFields(_ text: Substring) -> [Substring] {
    var fields: [Substring] = []
    let utf8 = text.utf8
    var index = utf8.startIndex
    while index != utf8.endIndex {
        while index != utf8.endIndex && (utf8[index] == 0x20 || utf8[index] == 0x09) {
            index = utf8.index(after: index)
        }
        guard index != utf8.endIndex else { break }
        let start = index
        while index != utf8.endIndex && utf8[index] != 0x20 && utf8[index] != 0x09 {
            index = utf8.index(after: index)
        }
        fields.append(text[start..<index])
    }
    return fields
}

func splitFields(_ text: String) -> [Substring] {
    splitFields(text[...])
}

/// A non-negative decimal without sign or spaces, at most `maxDigits` digits.
func parseDecimal(_ text: Substring, maxDigits: Int = 9) -> Int? {
    guard !text.isEmpty, text.utf8.count <= maxDigits,
          text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
    else { return nil }
    return Int(text)
}

func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

extension UInt8 {
    var isHexDigit: Bool {
        (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
            || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        // ASCII (every real SDP value): trimmed on code units. Otherwise by Character, where a
        // space followed by a combining mark is not a space.
        let utf8 = self.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
        }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end > start {
            let last = utf8.index(before: end)
            guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
            end = last
        }
        return String(self[start..<end])
    }
}

extension StringProtocol where SubSequence == Substring {
    /// The index of the first occurrence of an ASCII byte, found on UTF-8 code units.
    func firstByte(_ byte: UInt8) -> String.Index? {
        utf8.firstIndex(of: byte)
    }

    /// Splits on an ASCII byte without grapheme breaking (SDP separators are ASCII).
    func splitBytes(_ byte: UInt8, omittingEmpty: Bool = false) -> [Substring] {
        var parts: [Substring] = []
        let view = utf8
        var start = view.startIndex
        var index = view.startIndex
        while index != view.endIndex {
            if view[index] == byte {
                if !(omittingEmpty && start == index) { parts.append(self[start..<index]) }
                start = view.index(after: index)
            }
            index = view.index(after: index)
        }
        if !(omittingEmpty && start == view.endIndex) { parts.append(self[start..<view.endIndex]) }
        return parts
    }

    /// The text after the byte at `index` (which must be an ASCII separator).
    func after(_ index: String.Index) -> Substring {
        self[utf8.index(after: index)...]
    }
}
