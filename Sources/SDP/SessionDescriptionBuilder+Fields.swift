/// The grammar of the single-value lines and the attribute check, on `String`s: the precise
/// errors, and the rare shapes the byte fast paths (`SessionDescriptionBuilder+Bytes.swift`)
/// leave to it.
extension SessionDescriptionBuilder {
    static func origin(_ bytes: LineBytes) throws(SDPParseError.Kind) -> Origin {
        if let origin = fastOrigin(bytes) { return origin }
        return try parseOrigin(bytes.string)
    }

    static func connection(_ bytes: LineBytes) throws(SDPParseError.Kind) -> Connection {
        if let connection = fastConnection(bytes) { return connection }
        return try parseConnection(bytes.string)
    }

    static func bandwidth(_ bytes: LineBytes) throws(SDPParseError.Kind) -> Bandwidth {
        if let bandwidth = fastBandwidth(bytes) { return bandwidth }
        return try parseBandwidth(bytes.string)
    }

    static func timing(_ bytes: LineBytes) throws(SDPParseError.Kind) -> Timing {
        if let timing = fastTiming(bytes) { return timing }
        return try parseTiming(bytes.string)
    }

    /// An `a=` line, counted against the limit.
    mutating func attribute(_ bytes: LineBytes) throws(SDPParseError.Kind) -> Attribute {
        if attributeCount < limits.maxAttributes, let attribute = Self.fastAttribute(bytes) {
            attributeCount += 1
            return attribute
        }
        return try parseAttribute(bytes.string)
    }

    /// `t=<start> <stop>` (RFC 8866 §5.9).
    static func parseTiming(_ value: String) throws(SDPParseError.Kind) -> Timing {
        let fields = splitFields(value)
        // Kept as written: NTP seconds, never computed with.
        guard fields.count == 2, fields.allSatisfy({ $0.utf8.allSatisfy(isDigit) }) else {
            throw .malformed(field: "t=", reason: "needs '<start> <stop>' in NTP seconds")
        }
        return Timing(start: String(fields[0]), stop: String(fields[1]))
    }

    /// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2).
    static func parseOrigin(_ value: String) throws(SDPParseError.Kind) -> Origin {
        let fields = splitFields(value)
        guard fields.count == 6 else {
            throw .malformed(field: "o=", reason: "needs six fields, found \(fields.count)")
        }
        // The session id is only compared, never computed with: any token is kept.
        guard !fields[2].isEmpty, fields[2].utf8.allSatisfy(isDigit) else {
            throw .malformed(field: "o=", reason: "session version '\(fields[2])' is not a number")
        }
        return Origin(username: String(fields[0]), sessionID: String(fields[1]),
                      sessionVersion: String(fields[2]), networkType: String(fields[3]),
                      addressType: String(fields[4]), address: String(fields[5]))
    }

    /// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7), with the multicast
    /// `/<ttl>[/<count>]` (IPv4) and `/<count>` (IPv6) suffixes.
    static func parseConnection(_ value: String) throws(SDPParseError.Kind) -> Connection {
        let fields = splitFields(value)
        guard fields.count == 3 else {
            throw .malformed(field: "c=", reason: "needs '<nettype> <addrtype> <address>'")
        }
        let addressType = String(fields[1])
        let parts = fields[2].splitBytes(UInt8(ascii: "/"))
        guard let address = parts.first, !address.isEmpty, parts.count <= 3 else {
            throw .malformed(field: "c=", reason: "address '\(fields[2])' is malformed")
        }
        var numbers: [Int] = []
        for part in parts.dropFirst() {
            guard let number = parseDecimal(part, maxDigits: 5) else {
                throw .malformed(field: "c=", reason: "multicast suffix '\(part)' is not a number")
            }
            numbers.append(number)
        }
        if addressType.caseInsensitiveEquals("IP4") {
            try checkIPv4OrName(address)
            return Connection(networkType: String(fields[0]), addressType: addressType,
                              address: String(address), ttl: numbers.first,
                              addressCount: numbers.count == 2 ? numbers[1] : nil)
        }
        if addressType.caseInsensitiveEquals("IP6") {
            guard numbers.count <= 1 else {
                throw .malformed(field: "c=", reason: "IP6 takes only a '/<count>' suffix")
            }
            guard address.contains(Character(":")) || address.contains(Character(".")) else {
                throw .malformed(field: "c=", reason: "'\(address)' is not an IPv6 address or name")
            }
            return Connection(networkType: String(fields[0]), addressType: addressType,
                              address: String(address), addressCount: numbers.first)
        }
        return Connection(networkType: String(fields[0]), addressType: addressType,
                          address: String(fields[2]))
    }

    /// Dotted quads must have four parts of 0...255; anything else with letters is a name.
    private static func checkIPv4OrName(_ address: Substring) throws(SDPParseError.Kind) {
        guard address.utf8.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) else { return }
        let octets = address.splitBytes(UInt8(ascii: "."))
        guard octets.count == 4, octets.allSatisfy({ (parseDecimal($0, maxDigits: 3) ?? 256) <= 255 }) else {
            throw .malformed(field: "c=", reason: "'\(address)' is not an IPv4 address")
        }
    }

    /// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8).
    static func parseBandwidth(_ value: String) throws(SDPParseError.Kind) -> Bandwidth {
        guard let colon = value.firstByte(UInt8(ascii: ":")), colon != value.startIndex,
              let number = parseDecimal(value[value.index(after: colon)...], maxDigits: 18) else {
            throw .malformed(field: "b=", reason: "needs '<type>:<number>'")
        }
        return Bandwidth(type: String(value[..<colon]), value: UInt64(number))
    }

    /// `a=<name>[:<value>]` (RFC 8866 §5.13); known attributes have their value checked so a
    /// defect surfaces here with its line number instead of as a silent mismatch later.
    mutating func parseAttribute(_ text: String) throws(SDPParseError.Kind) -> Attribute {
        attributeCount += 1
        guard attributeCount <= limits.maxAttributes else {
            throw .tooManyAttributes(limit: limits.maxAttributes)
        }
        let attribute: Attribute
        if let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) {
            attribute = Attribute(String(text[..<colon]), String(text[text.index(after: colon)...]))
        } else {
            attribute = Attribute(text)
        }
        guard !attribute.name.isEmpty, !attribute.name.contains(Character(" ")) else {
            throw .malformed(field: "a=", reason: "attribute name '\(attribute.name)' is not a token")
        }
        do {
            try Self.check(attribute)
        } catch {
            throw .malformed(field: "a=\(attribute.name)", reason: error.reason)
        }
        return attribute
    }

    private static let checkedAttributes: Set<String> = [
        "rtpmap", "fmtp", "ptime", "maxptime", "rtcp", "crypto", "fingerprint", "setup", "ssrc", "rtcp-fb", "mid",
    ]

    private static func check(_ attribute: Attribute) throws(AttributeSyntaxError) {
        let name = attribute.name.lowercased()
        guard checkedAttributes.contains(name) else { return }
        guard let value = attribute.value, !value.isEmpty else {
            throw AttributeSyntaxError("needs a value")
        }
        switch name {
        case "rtpmap": _ = try RTPMap(parsing: value)
        case "fmtp": _ = try FormatParameters(parsing: value)
        case "ptime", "maxptime":
            guard parseMilliseconds(value) != nil else { throw AttributeSyntaxError("'\(value)' is not milliseconds") }
        case "rtcp": _ = try RTCPAttribute(parsing: value)
        case "crypto": _ = try CryptoAttribute(parsing: value)
        case "fingerprint": _ = try FingerprintAttribute(parsing: value)
        case "setup": _ = try SetupRole(parsing: value)
        case "ssrc": _ = try SSRCAttribute(parsing: value)
        case "rtcp-fb": _ = try RTCPFeedback(parsing: value)
        default: break
        }
    }
}
