/// Accumulates lines into a ``SessionDescription``: the state machine behind ``SDPParser``.
/// One line in, the model grows or a typed error comes out.
struct SessionDescriptionBuilder {
    let limits: SDPParser.Limits
    private var sawVersion = false
    private var origin: Origin?
    private var sessionName: String?
    private var session = SessionDescription(unparsed: ())
    private var currentMedia: MediaDescription?
    var attributeCount = 0

    init(limits: SDPParser.Limits) {
        self.limits = limits
    }

    /// Consumes one line (without its LF), read in place.
    mutating func consume(line raw: LineBytes, number: Int) throws(SDPParseError) {
        // Lenient: CR, trailing spaces and tabs dropped (LF-only peers, padded lines).
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\r") || raw[end - 1] == UInt8(ascii: " ") || raw[end - 1] == UInt8(ascii: "\t") {
            end -= 1
        }
        if end == 0 { return }
        guard end <= limits.maxLineLength else {
            throw SDPParseError(line: number, .lineTooLong(limit: limits.maxLineLength))
        }
        var ascii = true
        for index in 0..<end {
            let byte = raw[index]
            guard byte >= 0x20 || byte == 0x09, byte != 0x7F else {
                throw SDPParseError(line: number, .controlCharacter)
            }
            if byte >= 0x80 { ascii = false }
        }
        guard end >= 2, raw[1] == UInt8(ascii: "="), raw[0] >= UInt8(ascii: "a"), raw[0] <= UInt8(ascii: "z") else {
            throw SDPParseError(line: number, .notATypeValueLine)
        }
        let value = LineBytes(rebasing: raw[2..<end])
        if !ascii {
            guard String(validating: value, as: UTF8.self) != nil else {
                throw SDPParseError(line: number, .invalidUTF8)
            }
        }
        let type = raw[0]
        guard sawVersion || type == UInt8(ascii: "v") else { throw SDPParseError(line: number, .versionNotFirst) }
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

    consuming func finish() throws(SDPParseError) -> SessionDescription {
        guard sawVersion else { throw SDPParseError(line: 0, .empty) }
        guard let origin else { throw SDPParseError(line: 0, .missing("o")) }
        guard let sessionName else { throw SDPParseError(line: 0, .missing("s")) }
        // The builder is consumed: its description is completed in place, not copied.
        session.origin = origin
        session.sessionName = sessionName
        if let media = currentMedia.take() { session.media.append(media) }
        return session
    }

    // MARK: Session level (RFC 8866 §5.1–§5.13)

    private mutating func consumeSessionLine(type byte: UInt8, value bytes: LineBytes) throws(SDPParseError.Kind) {
        let type = Character(Unicode.Scalar(byte))
        switch type {
        case "v":
            guard !sawVersion else { throw .duplicate("v") }
            guard bytes.count == 1, bytes[0] == UInt8(ascii: "0") else { throw .unsupportedVersion(bytes.string) }
            sawVersion = true
        case "o":
            guard origin == nil else { throw .duplicate("o") }
            origin = try Self.origin(bytes)
        case "s":
            guard sessionName == nil else { throw .duplicate("s") }
            sessionName = bytes.string
        case "i":
            guard session.information == nil else { throw .duplicate("i") }
            session.information = bytes.string
        case "u":
            guard session.uri == nil else { throw .duplicate("u") }
            session.uri = bytes.string
        case "e": session.emails.append(bytes.string)
        case "p": session.phones.append(bytes.string)
        case "c":
            guard session.connection == nil else { throw .duplicate("c") }
            session.connection = try Self.connection(bytes)
        case "b": session.bandwidths.append(try Self.bandwidth(bytes))
        case "t":
            session.timings.append(try Self.timing(bytes))
        case "r":
            guard !session.timings.isEmpty else { throw .misplaced("r") }
            session.timings[session.timings.count - 1].repeats.append(bytes.string)
        case "z":
            guard session.timeZones == nil else { throw .duplicate("z") }
            session.timeZones = bytes.string
        case "k":
            guard session.key == nil else { throw .duplicate("k") }
            session.key = bytes.string
        case "a":
            session.attributes.append(try attribute(bytes))
        case "m":
            guard origin != nil else { throw .missing("o") }
            try startMedia(bytes)
        default:
            throw .unknownType(type)
        }
    }

    // MARK: Media level (RFC 8866 §5.14)

    private mutating func consumeMediaLine(type byte: UInt8, value bytes: LineBytes) throws(SDPParseError.Kind) {
        let type = Character(Unicode.Scalar(byte))
        // Changed in place through the optional: no copy of the section per line.
        switch type {
        case "m":
            if let media = currentMedia.take() { session.media.append(media) }
            try startMedia(bytes)
        case "i":
            guard currentMedia?.information == nil else { throw .duplicate("i") }
            currentMedia?.information = bytes.string
        case "c": currentMedia?.connections.append(try Self.connection(bytes))
        case "b": currentMedia?.bandwidths.append(try Self.bandwidth(bytes))
        case "k":
            guard currentMedia?.key == nil else { throw .duplicate("k") }
            currentMedia?.key = bytes.string
        case "a":
            let attribute = try attribute(bytes)
            currentMedia?.attributes.append(attribute)
        case "v", "o", "s", "u", "e", "p", "t", "r", "z": throw .misplaced(type)
        default: throw .unknownType(type)
        }
    }

    private mutating func startMedia(_ bytes: LineBytes) throws(SDPParseError.Kind) {
        guard session.media.count < limits.maxMediaSections else {
            throw .tooManyMediaSections(limit: limits.maxMediaSections)
        }
        // Stored straight into the optional: no copy of the new section.
        currentMedia = fastMedia(bytes)
        if currentMedia != nil { return }
        currentMedia = try parseMedia(bytes.string)
    }

    /// The `String` grammar of an `m=` line: the precise errors, and the rare shapes (port
    /// counts, non-ASCII tokens) the fast path leaves to it.
    func parseMedia(_ value: String) throws(SDPParseError.Kind) -> MediaDescription {
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
        return MediaDescription(media: MediaType(String(fields[0])), port: UInt16(port),
                                portCount: count, proto: proto, formats: formats)
    }
}
