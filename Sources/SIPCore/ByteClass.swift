/// A set of bytes as a 256-bit map: the character classes of RFC 3261 §25.1.
struct ByteClass: Sendable, Equatable {
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

    /// A class of ASCII bytes from its precomputed bit map (bytes 0-63, bytes 64-127): a constant
    /// the optimizer folds, so hot scanning loops pay no lazy-global check.
    init(low: UInt64, high: UInt64) {
        w0 = low
        w1 = high
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
        let word = byte < 64 ? w0 : byte < 128 ? w1 : byte < 192 ? w2 : w3
        return (word >> UInt64(byte & 63)) & 1 == 1
    }
}

/// The RFC 3261 §25.1 character classes (escapes are handled by the scanner, not listed here).
///
/// The bit maps are constants so that scanning loops need no lazy initialisation;
/// `ByteClassTests` checks each against its definition from the grammar, quoted beside it.
enum SIPChars {
    /// `unreserved = alphanum / mark`, `mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"`.
    static var unreserved: ByteClass { ByteClass(low: 0x03FF_6782_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }
    /// `user = 1*( unreserved / escaped / user-unreserved )`, user-unreserved `& = + $ , ; ? /`.
    static var user: ByteClass { ByteClass(low: 0xABFF_FFD2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }
    /// `password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )`.
    static var password: ByteClass { ByteClass(low: 0x23FF_7FD2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }
    /// `paramchar = param-unreserved / unreserved / escaped`, param-unreserved `[ ] / : & + $`.
    static var paramChar: ByteClass { ByteClass(low: 0x07FF_EFD2_0000_0000, high: 0x47FF_FFFE_AFFF_FFFE) }
    /// `hname`/`hvalue` characters: `hnv-unreserved / unreserved / escaped`, hnv `[ ] / ? : + $`.
    static var headerChar: ByteClass { ByteClass(low: 0x87FF_EF92_0000_0000, high: 0x47FF_FFFE_AFFF_FFFE) }
    /// `token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" )`.
    static var token: ByteClass { ByteClass(low: 0x03FF_6CA2_0000_0000, high: 0x47FF_FFFF_87FF_FFFE) }
    /// `gen-value = token / host / quoted-string` without the quoted string: token plus the
    /// characters of an (IPv6) host, `[ ] :`.
    static var genValue: ByteClass { ByteClass(low: 0x07FF_6CA2_0000_0000, high: 0x47FF_FFFF_AFFF_FFFE) }
    /// Characters of a hostname, IPv4 address or the inside of an IPv6 reference: alphanum `- . :`.
    static var hostChar: ByteClass { ByteClass(low: 0x07FF_6000_0000_0000, high: 0x07FF_FFFE_07FF_FFFE) }
    /// Characters of a hostname or IPv4 address: alphanum `- .`.
    static var nameChar: ByteClass { ByteClass(low: 0x03FF_6000_0000_0000, high: 0x07FF_FFFE_07FF_FFFE) }
    /// `HEXDIG`.
    static var hex: ByteClass { ByteClass(low: 0x03FF_0000_0000_0000, high: 0x0000_007E_0000_007E) }
    /// `reserved` of RFC 2396 as used by RFC 3261 §19.1.4, `; / ? : @ & = + $ ,`: escaped forms of
    /// these stay distinct from the characters.
    static var reserved: ByteClass { ByteClass(low: 0xAC00_9850_0000_0000, high: 0x0000_0000_0000_0001) }
    /// RFC 2396 `uric` (reserved / unreserved / escaped) plus `% # [ ]`, for opaque absolute URIs.
    static var uric: ByteClass { ByteClass(low: 0xAFFF_FFFA_0000_0000, high: 0x47FF_FFFE_AFFF_FFFF) }
    /// Telephone-number characters of RFC 3966: `phonedigit-hex` and `+`: HEXDIG `* # - . ( ) +`.
    static var phoneChar: ByteClass { ByteClass(low: 0x03FF_6F08_0000_0000, high: 0x0000_007E_0000_007E) }
    /// `pname` of RFC 3966: `1*( alphanum / "-" )`.
    static var telParamName: ByteClass { ByteClass(low: 0x03FF_2000_0000_0000, high: 0x07FF_FFFE_07FF_FFFE) }
    /// Anything in a userinfo (user, `:`, password, `%`), to look ahead for its `@`.
    static var userinfo: ByteClass { ByteClass(low: 0xAFFF_FFF2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }
    /// Userinfo outside angle brackets, where `;` and `?` cannot occur (RFC 3261 §20.10).
    static var userinfoInAddrSpec: ByteClass { ByteClass(low: 0x27FF_FFF2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }
    /// User outside angle brackets: user characters but `;` and `?`.
    static var userInAddrSpec: ByteClass { ByteClass(low: 0x23FF_FFD2_0000_0000, high: 0x47FF_FFFE_87FF_FFFE) }
}
