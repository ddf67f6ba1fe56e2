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
/// devices sometimes double them).
func splitFields(_ text: Substring) -> [Substring] {
    text.split(whereSeparator: { $0 == " " || $0 == "\t" })
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
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
