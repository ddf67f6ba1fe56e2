/// A `name-addr` or `addr-spec` with header parameters: the value of From, To, Contact, Route,
/// Record-Route, Reply-To, P-Asserted-Identity, Diversion... (RFC 3261 §20.10, §25.1).
///
/// ```
/// name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
/// addr-spec    = SIP-URI / SIPS-URI / absoluteURI
/// display-name = *(token LWS)/ quoted-string
/// ```
///
/// Parameters after the address (`;tag=...`, `;expires=...`) are header parameters. In the
/// addr-spec form (no angle brackets) a `;` always starts a header parameter, never a URI
/// parameter (§20.10). The writer always uses angle brackets and quotes a display name.
public struct NameAddress: Hashable, Sendable, SIPGrammarValue {
    /// The display name as text: quotes removed and quoted-pairs resolved; nil when absent.
    public var displayName: String?
    /// The address.
    public var uri: URI
    /// Header parameters (`generic-param`), in order, wire form.
    public var parameters: SIPParameters

    /// Creates a name-addr.
    public init(displayName: String? = nil, uri: URI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// Creates a name-addr around a SIP URI.
    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.init(displayName: displayName, uri: .sip(uri), parameters: parameters)
    }

    /// The address as a SIP or SIPS URI, if it is one.
    public var sipURI: SIPURI? { uri.sipURI }

    /// The `tag` parameter (From/To, RFC 3261 §19.3).
    public var tag: String? {
        get { parameters["tag"] }
        set {
            if let newValue { parameters.set("tag", to: newValue) } else { parameters.remove("tag") }
        }
    }

    /// Parses one name-addr or addr-spec with its parameters.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .nameAddress, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .nameAddress)
        let address = try NameAddress.scan(&scanner)
        try scanner.expectEnd()
        self = address
    }

    /// Appends the canonical wire form: `"Display" <uri>;params` or `<uri>;params`.
    public func write(into buffer: inout [UInt8]) {
        if let displayName {
            ASCII.writeQuoted(displayName, into: &buffer)
            buffer.append(UInt8(ascii: " "))
        }
        buffer.append(UInt8(ascii: "<"))
        uri.write(into: &buffer)
        buffer.append(UInt8(ascii: ">"))
        parameters.write(into: &buffer)
    }

    /// Token characters of an unquoted display name, plus UTF-8 beyond ASCII, which devices send
    /// unquoted although RFC 3261 asks for a quoted-string.
    private static let displayTokenChars: ByteClass = {
        var characters = SIPChars.token
        for byte in UInt8(0x80)...UInt8(0xFF) { characters.insert(byte) }
        return characters
    }()

    /// Scans a name-addr or addr-spec and its header parameters at the cursor.
    static func scan(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> NameAddress {
        scanner.skipLWS()
        let start = scanner.index
        var displayName: String?
        let uri: URI
        if scanner.peek == UInt8(ascii: "\"") {
            scanner.element = .displayName
            let quoted = try scanner.quotedString(limit: SIPGrammarLimits.maxDisplayNameLength)
            displayName = try scanner.unquote(quoted.range, hasEscapes: quoted.hasEscapes)
            scanner.skipLWS()
            guard scanner.peek == UInt8(ascii: "<") else { throw scanner.unexpected() }
            uri = try scanBracketedURI(&scanner)
        } else if scanner.peek == UInt8(ascii: "<") {
            uri = try scanBracketedURI(&scanner)
        } else if let tokens = try scanTokenDisplayName(&scanner) {
            displayName = tokens
            uri = try scanBracketedURI(&scanner)
        } else {
            // addr-spec form: the URI ends where header parameters begin.
            scanner.index = start
            scanner.element = .uri
            uri = try URI.scan(&scanner, addrSpec: true)
        }
        scanner.element = .headerParameter
        let parameters = try SIPParameters.scanHeaderParameters(&scanner)
        return NameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }

    /// `LAQUOT addr-spec RAQUOT` at the cursor.
    private static func scanBracketedURI(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> URI {
        scanner.element = .nameAddress
        try scanner.expect(UInt8(ascii: "<"))
        // RFC 4475 §3.1.2.14 (badaspec): white space inside the brackets is not in the grammar,
        // but unambiguous; like most stacks we are liberal and skip it.
        scanner.skipLWS()
        scanner.element = .uri
        let uri = try URI.scan(&scanner, addrSpec: false)
        scanner.element = .nameAddress
        scanner.skipLWS()
        try scanner.expect(UInt8(ascii: ">"))
        return uri
    }

    /// `*(token LWS)` followed by `<`; returns nil (cursor anywhere) when the text is not followed
    /// by `<`, which means it is an addr-spec. Tokens are joined with single spaces.
    private static func scanTokenDisplayName(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> String? {
        let start = scanner.index
        var end = start
        var tokenCount = 0
        var isSingleSpaced = true
        while true {
            let token = scanner.scan(displayTokenChars)
            if token.isEmpty { break }
            if tokenCount > 0 && token.lowerBound - end != 1 { isSingleSpaced = false }
            tokenCount += 1
            end = token.upperBound
            guard end - start <= SIPGrammarLimits.maxDisplayNameLength else {
                throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxDisplayNameLength), in: .displayName, at: start)
            }
            scanner.skipLWS()
            if scanner.index > end && scanner.bytes[end] != UInt8(ascii: " ") { isSingleSpaced = false }
        }
        guard tokenCount > 0, scanner.peek == UInt8(ascii: "<") else { return nil }
        if isSingleSpaced {
            guard let name = scanner.bytes[start..<end].validatedString else {
                throw SIPGrammarError(.invalidUTF8, in: .displayName, at: start)
            }
            return name
        }
        // Tokens separated by other white space (tabs, folding) are joined by single spaces.
        var joined: [UInt8] = []
        var position = start
        var inSpace = false
        while position < end {
            let byte = scanner.bytes[position]
            if displayTokenChars.contains(byte) {
                if inSpace { joined.append(UInt8(ascii: " ")) }
                inSpace = false
                joined.append(byte)
            } else {
                inSpace = true
            }
            position += 1
        }
        guard let name = String(validating: joined, as: UTF8.self) else {
            throw SIPGrammarError(.invalidUTF8, in: .displayName, at: start)
        }
        return name
    }
}
