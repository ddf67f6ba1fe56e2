/// One DTMF digit: `0`–`9`, `*`, `#`, `A`–`D`.
///
/// The raw value is the RFC 4733 §3.2 event code (Table 7): 0–9 for the digits, 10 for `*`,
/// 11 for `#`, 12–15 for A–D. The same numbering appears in SIP INFO bodies, where some devices
/// send `10` and `11` for `*` and `#`.
public enum DTMFDigit: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case zero = 0, one, two, three, four, five, six, seven, eight, nine
    case star = 10, pound = 11
    case a = 12, b, c, d

    /// The digit for an RFC 4733 event code, `nil` for codes above 15 (other telephony events
    /// such as flash or fax tones, RFC 4734, which are not DTMF).
    @inlinable
    public init?(eventCode: UInt8) {
        self.init(rawValue: eventCode)
    }

    /// The RFC 4733 event code.
    @inlinable
    public var eventCode: UInt8 { rawValue }

    /// The digit for one ASCII character: `0`–`9`, `*`, `#`, `A`–`D` (either case).
    public init?(ascii: UInt8) {
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self.init(rawValue: ascii - UInt8(ascii: "0"))
        case UInt8(ascii: "*"): self = .star
        case UInt8(ascii: "#"): self = .pound
        case UInt8(ascii: "A")...UInt8(ascii: "D"): self.init(rawValue: 12 + ascii - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "d"): self.init(rawValue: 12 + ascii - UInt8(ascii: "a"))
        default: return nil
        }
    }

    /// The digit for a one-character string (see `init?(ascii:)`).
    public init?(_ character: Character) {
        guard let ascii = character.asciiValue else { return nil }
        self.init(ascii: ascii)
    }

    /// The ASCII character: `0`–`9`, `*`, `#`, `A`–`D` (upper case).
    public var ascii: UInt8 {
        switch self {
        case .star: UInt8(ascii: "*")
        case .pound: UInt8(ascii: "#")
        case .a, .b, .c, .d: UInt8(ascii: "A") + rawValue - 12
        default: UInt8(ascii: "0") + rawValue
        }
    }

    /// The digit as a one-character string.
    public var description: String { String(UnicodeScalar(ascii)) }

    /// Parses a digit string such as `"1234#"`; `nil` if any character is not a digit.
    public static func sequence(_ text: String) -> [DTMFDigit]? {
        var digits: [DTMFDigit] = []
        for byte in text.utf8 {
            guard let digit = DTMFDigit(ascii: byte) else { return nil }
            digits.append(digit)
        }
        return digits
    }
}
