/// Accumulates lines into a ``SessionDescription``: the state machine behind ``SDPParser``.
/// One line in, the model grows or a typed error comes out.
struct SessionDescriptionBuilder {
    let limits: SDPParser.Limits
    private var sawVersion = false
    private var origin: Origin?
    private var sessionName: String?
    private var session = SessionDescription(origin: Origin(sessionID: "0", sessionVersion: "0", address: "0.0.0.0"))
    private var currentMedia: MediaDescription?
    var attributeCount = 0

    init(limits: SDPParser.Limits) {
        self.limits = limits
        session.timings = []
    }

    mutating func consume(line raw: ArraySlice<UInt8>, number: Int) throws(SDPParseError) {
        // Lenient: CR, trailing spaces and tabs dropped (LF-only peers, padded lines). The line
        // is read in place (no copy); `first` is its first byte's index.
        var bytes = raw
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes = bytes.dropLast()
        }
        let first = bytes.startIndex
        if bytes.isEmpty { return }
        guard bytes.count <= limits.maxLineLength else {
            throw SDPParseError(line: number, .lineTooLong(limit: limits.maxLineLength))
        }
        guard !bytes.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
            throw SDPParseError(line: number, .controlCharacter)
        }
        guard bytes.count >= 2, bytes[first + 1] == UInt8(ascii: "="),
              bytes[first] >= UInt8(ascii: "a"), bytes[first] <= UInt8(ascii: "z") else {
            throw SDPParseError(line: number, .notATypeValueLine)
        }
        guard let value = String(validating: bytes[(first + 2)...], as: UTF8.self) else {
            throw SDPParseError(line: number, .invalidUTF8)
        }
        let type = Character(Unicode.Scalar(bytes[first]))
        guard sawVersion || type == "v" else { throw SDPParseError(line: number, .versionNotFirst) }
        do {
            if currentMedia != nil {
                try consumeMediaLine(type: type, value: value)
            } else {
                try consumeSessionLine(type: type, value: value)
            }
        } catch let kind {
            throw SDPParseError(line: number, kind)
        }
    }

    func finish() throws(SDPParseError) -> SessionDescription {
        guard sawVersion else { throw SDPParseError(line: 0, .empty) }
        guard let origin else { throw SDPParseError(line: 0, .missing("o")) }
        guard let sessionName else { throw SDPParseError(line: 0, .missing("s")) }
        var result = session
        result.origin = origin
        result.sessionName = sessionName
        if let currentMedia { result.media.append(currentMedia) }
        return result
    }

    // MARK: Session level (RFC 8866 §5.1–§5.13)

    private mutating func consumeSessionLine(type: Character, value: String) throws(SDPParseError.Kind) {
        switch type {
        case "v":
            guard !sawVersion else { throw .duplicate("v") }
            guard value == "0" else { throw .unsupportedVersion(value) }
            sawVersion = true
        case "o":
            guard origin == nil else { throw .duplicate("o") }
            origin = try Self.parseOrigin(value)
        case "s":
            guard sessionName == nil else { throw .duplicate("s") }
            sessionName = value
        case "i":
            guard session.information == nil else { throw .duplicate("i") }
            session.information = value
        case "u":
            guard session.uri == nil else { throw .duplicate("u") }
            session.uri = value
        case "e": session.emails.append(value)
        case "p": session.phones.append(value)
        case "c":
            guard session.connection == nil else { throw .duplicate("c") }
            session.connection = try Self.parseConnection(value)
        case "b": session.bandwidths.append(try Self.parseBandwidth(value))
        case "t":
            let fields = splitFields(value)
            // Kept as written: NTP seconds, never computed with.
            guard fields.count == 2, fields.allSatisfy({ $0.utf8.allSatisfy(isDigit) }) else {
                throw .malformed(field: "t=", reason: "needs '<start> <stop>' in NTP seconds")
            }
            session.timings.append(Timing(start: String(fields[0]), stop: String(fields[1])))
        case "r":
            guard !session.timings.isEmpty else { throw .misplaced("r") }
            session.timings[session.timings.count - 1].repeats.append(value)
        case "z":
            guard session.timeZones == nil else { throw .duplicate("z") }
            session.timeZones = value
        case "k":
            guard session.key == nil else { throw .duplicate("k") }
            session.key = value
        case "a":
            session.attributes.append(try parseAttribute(value))
        case "m":
            guard origin != nil else { throw .missing("o") }
            try startMedia(value)
        default:
            throw .unknownType(type)
        }
    }

    // MARK: Media level (RFC 8866 §5.14)

    private mutating func consumeMediaLine(type: Character, value: String) throws(SDPParseError.Kind) {
        // Taken out while it changes, so appending does not copy the attribute array.
        guard var media = currentMedia else { return }
        currentMedia = nil
        switch type {
        case "m":
            session.media.append(media)
            currentMedia = nil
            try startMedia(value)
            return
        case "i":
            guard media.information == nil else { throw .duplicate("i") }
            media.information = value
        case "c": media.connections.append(try Self.parseConnection(value))
        case "b": media.bandwidths.append(try Self.parseBandwidth(value))
        case "k":
            guard media.key == nil else { throw .duplicate("k") }
            media.key = value
        case "a": media.attributes.append(try parseAttribute(value))
        case "v", "o", "s", "u", "e", "p", "t", "r", "z": throw .misplaced(type)
        default: throw .unknownType(type)
        }
        currentMedia = media
    }

    private mutating func startMedia(_ value: String) throws(SDPParseError.Kind) {
        guard session.media.count < limits.maxMediaSections else {
            throw .tooManyMediaSections(limit: limits.maxMediaSections)
        }
        let fields = splitFields(value)
        guard fields.count >= 3 else {
            throw .malformed(field: "m=", reason: "needs '<media> <port> <proto> <fmt> ...'")
        }
        let portParts = fields[1].splitBytes(UInt8(ascii: "/"))
        guard portParts.count <= 2, let port = parseDecimal(portParts[0], maxDigits: 5), port <= 65535 else {
            throw .malformed(field: "m=", reason: "port '\(fields[1])' is not 0...65535[/count]")
        }
        var count: Int?
        if portParts.count == 2 {
            guard let value = parseDecimal(portParts[1], maxDigits: 5), value > 0 else {
                throw .malformed(field: "m=", reason: "port count '\(portParts[1])' is not a positive number")
            }
            count = value
        }
        let formats = fields.dropFirst(3).map(String.init)
        guard formats.count <= limits.maxFormatsPerMedia else {
            throw .tooManyFormats(limit: limits.maxFormatsPerMedia)
        }
        let proto = TransportProtocol(String(fields[2]))
        if proto.isRTP, let bad = formats.first(where: { (parseDecimal($0[...], maxDigits: 3) ?? 128) > 127 }) {
            throw .malformed(field: "m=", reason: "RTP format '\(bad)' is not a payload type 0...127")
        }
        currentMedia = MediaDescription(media: MediaType(String(fields[0])), port: UInt16(port),
                                        portCount: count, proto: proto, formats: formats)
    }
}
