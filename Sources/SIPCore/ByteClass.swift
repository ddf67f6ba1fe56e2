/// A set of bytes as a 256-bit map: the character classes of RFC 3261 §25.1.
struct ByteClass: Sendable {
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    init(_ characters: String = "", alphanumeric: Bool = false, hexadecimal: Bool = false) {
        for byte in characters.utf8 { insert(byte) }
        if alphanumeric {
            for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { insert(byte) }
            for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { insert(byte) }
            for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { insert(byte) }
        }
        if hexadecimal {
            for byte in UInt8(ascii: "a")...UInt8(ascii: "f") { insert(byte) }
            for byte in UInt8(ascii: "A")...UInt8(ascii: "F") { insert(byte) }
            for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { insert(byte) }
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    func union(_ other: ByteClass) -> ByteClass {
        var result = self
        result.w0 |= other.w0
        result.w1 |= other.w1
        result.w2 |= other.w2
        result.w3 |= other.w3
        return result
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let word: UInt64
        switch byte >> 6 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return (word >> UInt64(byte & 63)) & 1 == 1
    }
}

/// The RFC 3261 §25.1 character classes (escapes are handled by the scanner, not listed here).
enum SIPChars {
    /// `unreserved = alphanum / mark`, `mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"`.
    static let unreserved = ByteClass("-_.!~*'()", alphanumeric: true)
    /// `user = 1*( unreserved / escaped / user-unreserved )`, user-unreserved `& = + $ , ; ? /`.
    static let user = unreserved.union(ByteClass("&=+$,;?/"))
    /// `password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )`.
    static let password = unreserved.union(ByteClass("&=+$,"))
    /// `paramchar = param-unreserved / unreserved / escaped`, param-unreserved `[ ] / : & + $`.
    static let paramChar = unreserved.union(ByteClass("[]/:&+$"))
    /// `hname`/`hvalue` characters: `hnv-unreserved / unreserved / escaped`, hnv `[ ] / ? : + $`.
    static let headerChar = unreserved.union(ByteClass("[]/?:+$"))
    /// `token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )`.
    static let token = ByteClass("-.!%*_+`'~", alphanumeric: true)
    /// `gen-value = token / host / quoted-string` without the quoted string: token plus the
    /// characters of an (IPv6) host.
    static let genValue = token.union(ByteClass("[]:"))
    /// Characters of a hostname, IPv4 address or the inside of an IPv6 reference.
    static let hostChar = ByteClass("-.:", alphanumeric: true)
    /// `HEXDIG`.
    static let hex = ByteClass(hexadecimal: true)
    /// `reserved` of RFC 2396 as used by RFC 3261 §19.1.4: escaped forms of these stay distinct.
    static let reserved = ByteClass(";/?:@&=+$,")
    /// RFC 2396 `uric` (reserved / unreserved / escaped) plus `%`, for opaque absolute URIs.
    static let uric = ByteClass(";/?:@&=+$,-_.!~*'()%#[]", alphanumeric: true)
    /// Telephone-number characters of RFC 3966: `phonedigit-hex` and `+`.
    static let phoneChar = ByteClass("*#-.()+", hexadecimal: true)
    /// `pname` of RFC 3966: `1*( alphanum / "-" )`.
    static let telParamName = ByteClass("-", alphanumeric: true)
}
