/// The host of a SIP URI or Via sent-by (RFC 3261 §25.1 `host`).
///
/// Text is kept as written; comparison (`isEquivalent(to:)`) is case-insensitive for names and
/// by numeric value for addresses, so `[2001:db8::1]` matches `[2001:DB8:0:0:0:0:0:1]`.
public enum SIPHost: Hashable, Sendable, CustomStringConvertible {
    /// `hostname = *( domainlabel "." ) toplabel [ "." ]`.
    case name(String)
    /// `IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`, each at most 255.
    case ipv4(String)
    /// `IPv6reference = "[" IPv6address "]"`, stored without the brackets.
    case ipv6(String)

    /// The text as written; IPv6 addresses without brackets.
    public var text: String {
        switch self {
        case .name(let text), .ipv4(let text), .ipv6(let text): text
        }
    }

    /// Whether the host is an IP address literal.
    public var isIPAddress: Bool {
        if case .name = self { return false }
        return true
    }

    /// The wire form: IPv6 in brackets.
    public var description: String {
        if case .ipv6(let text) = self { return "[" + text + "]" }
        return text
    }

    /// Parses a host as written in a URI or sent-by (IPv6 in brackets).
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .host)
        self = try SIPHost.scan(&scanner)
        guard scanner.isAtEnd else { throw scanner.unexpected() }
    }

    /// Parses a host as written in a URI or sent-by (IPv6 in brackets).
    public init(parsing string: String) throws(SIPGrammarError) {
        try self.init(parsing: ArraySlice(string.utf8))
    }

    /// Parses a bare IP address (IPv4 or unbracketed IPv6), as in Via `received` (RFC 3261 §20.42).
    /// A bracketed IPv6 reference is accepted too (RFC 5118 §4.5: implementations send it).
    public init(parsingAddress bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try SIPHost(addressView: view) }
    }

    init(addressView bytes: ByteView) throws(SIPGrammarError) {
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"), bytes.count > 2,
           IPv6Address(bytes.dropFirst().dropLast()) != nil {
            self = .ipv6(bytes.dropFirst().dropLast().string)
        } else if SIPHost.isIPv4(bytes) {
            self = .ipv4(bytes.string)
        } else if IPv6Address(bytes) != nil {
            self = .ipv6(bytes.string)
        } else {
            throw SIPGrammarError(.invalidHost, in: .host, at: bytes.startIndex)
        }
    }

    /// Appends the wire form.
    public func write(into buffer: inout [UInt8]) {
        switch self {
        case .name(let text), .ipv4(let text):
            buffer.append(contentsOf: text.utf8)
        case .ipv6(let text):
            buffer.append(UInt8(ascii: "["))
            buffer.append(contentsOf: text.utf8)
            buffer.append(UInt8(ascii: "]"))
        }
    }

    /// RFC 3261 §19.1.4: hosts compare case-insensitively; addresses by value. A name never
    /// matches an address, even one it resolves to.
    public func isEquivalent(to other: SIPHost) -> Bool {
        switch (self, other) {
        case (.name(let lhs), .name(let rhs)):
            ASCII.equalsIgnoringCase(lhs, rhs)
        case (.ipv4(let lhs), .ipv4(let rhs)):
            SIPHost.ipv4Value(lhs) == SIPHost.ipv4Value(rhs)
        case (.ipv6(let lhs), .ipv6(let rhs)):
            ByteView.with(lhs, { IPv6Address($0) }) == ByteView.with(rhs, { IPv6Address($0) })
        default:
            false
        }
    }

    /// Scans a host at the cursor: a bracketed IPv6 reference, an IPv4 address or a hostname.
    static func scan(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> SIPHost {
        let start = scanner.index
        if scanner.consume(UInt8(ascii: "[")) {
            let inner = scanner.scan(SIPChars.hostChar)
            guard scanner.consume(UInt8(ascii: "]")) else { throw scanner.unexpected() }
            guard IPv6Address(scanner.bytes[inner]) != nil else {
                throw SIPGrammarError(.invalidHost, in: .host, at: start)
            }
            return .ipv6(scanner.string(inner))
        }
        let range = scanner.scan(SIPChars.nameChar)
        guard !range.isEmpty else { throw SIPGrammarError(.invalidHost, in: .host, at: start) }
        let text = scanner.bytes[range]
        if isIPv4(text) { return .ipv4(scanner.string(range)) }
        guard isHostname(text) else { throw SIPGrammarError(.invalidHost, in: .host, at: start) }
        return .name(scanner.string(range))
    }

    static func isIPv4(_ bytes: ByteView) -> Bool {
        var parts = 0
        var digits = 0
        var value = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return false }
                parts += 1
                digits = 0
                value = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            } else {
                return false
            }
        }
        return parts == 3 && digits > 0
    }

    private static func ipv4Value(_ text: String) -> UInt32 {
        var result: UInt32 = 0
        var part: UInt32 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                result = result << 8 | part
                part = 0
            } else {
                part = part * 10 + UInt32(byte &- UInt8(ascii: "0"))
            }
        }
        return result << 8 | part
    }

    /// `hostname = *( domainlabel "." ) toplabel [ "." ]`; labels are alphanumerics with inner
    /// hyphens and the top label starts with a letter.
    static func isHostname(_ bytes: ByteView) -> Bool {
        let buffer = bytes.buffer
        let count = buffer.count
        let characters = SIPChars.nameChar
        var labelStart = 0
        var topLabelStart = -1
        var position = 0
        while position <= count {
            if position == count || buffer[position] == UInt8(ascii: ".") {
                if position == labelStart {
                    // Only a single trailing dot may leave an empty label.
                    guard position == count, labelStart > 0 else { return false }
                } else {
                    guard buffer[labelStart] != UInt8(ascii: "-"), buffer[position - 1] != UInt8(ascii: "-") else { return false }
                    topLabelStart = labelStart
                }
                labelStart = position + 1
            } else if !characters.contains(buffer[position]) {
                return false
            }
            position += 1
        }
        guard topLabelStart >= 0 else { return false }
        let first = buffer[topLabelStart] | 0x20
        return first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z")
    }
}

/// The 128-bit value of an IPv6 address in text form (RFC 4291 §2.2), for validation and
/// comparison.
struct IPv6Address: Equatable {
    var high: UInt64
    var low: UInt64

    init?(_ bytes: ByteView) {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gapAt: Int?
        var position = bytes.startIndex
        let end = bytes.endIndex
        guard position < end else { return nil }
        if bytes[position] == UInt8(ascii: ":") {
            guard position + 1 < end, bytes[position + 1] == UInt8(ascii: ":") else { return nil }
            gapAt = 0
            position += 2
        }
        while position < end {
            // An embedded IPv4 address ends the text (RFC 4291 §2.2 form 3).
            var dotted = position
            while dotted < end, bytes[dotted] != UInt8(ascii: ":"), bytes[dotted] != UInt8(ascii: ".") { dotted += 1 }
            if dotted < end, bytes[dotted] == UInt8(ascii: ".") {
                guard SIPHost.isIPv4(bytes[position..<end]), groups.count <= 6 else { return nil }
                var octets: [UInt16] = []
                var part: UInt16 = 0
                for byte in bytes[position..<end] {
                    if byte == UInt8(ascii: ".") { octets.append(part); part = 0 } else { part = part * 10 + UInt16(byte - 48) }
                }
                octets.append(part)
                groups.append(octets[0] << 8 | octets[1])
                groups.append(octets[2] << 8 | octets[3])
                position = end
                break
            }
            var value: UInt16 = 0
            var digits = 0
            while position < end, let nibble = SIPEscaping.hexValue(bytes[position]) {
                guard digits < 4 else { return nil }
                value = value << 4 | UInt16(nibble)
                digits += 1
                position += 1
            }
            guard digits > 0 else { return nil }
            groups.append(value)
            guard groups.count <= 8 else { return nil }
            if position == end { break }
            guard bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            if position < end, bytes[position] == UInt8(ascii: ":") {
                guard gapAt == nil else { return nil }
                gapAt = groups.count
                position += 1
            } else if position == end {
                return nil
            }
        }
        if let gap = gapAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        high = 0
        low = 0
        for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
        for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
    }
}
