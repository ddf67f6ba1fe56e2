/// Any URI a SIP message may carry: a SIP or SIPS URI, a `tel:` URI, or another absolute URI
/// kept as text (RFC 3261 §25.1 `absoluteURI`).
public enum URI: Hashable, Sendable, SIPGrammarValue {
    /// `sip:` or `sips:` (RFC 3261 §19.1).
    case sip(SIPURI)
    /// `tel:` (RFC 3966).
    case tel(TelURI)
    /// Any other scheme: the scheme as written and the whole URI text.
    case other(scheme: String, text: String)

    /// The SIP or SIPS URI, if this is one.
    public var sipURI: SIPURI? {
        if case .sip(let uri) = self { return uri }
        return nil
    }

    /// The tel URI, if this is one.
    public var telURI: TelURI? {
        if case .tel(let uri) = self { return uri }
        return nil
    }

    /// The scheme in lower case (`sip`, `sips`, `tel`, ...).
    public var scheme: String {
        switch self {
        case .sip(let uri): uri.scheme
        case .tel: "tel"
        case .other(let scheme, _): scheme.lowercased()
        }
    }

    /// Parses a whole URI; surrounding white space is ignored.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .uri)
        scanner.skipLWS()
        let uri = try URI.scan(&scanner, addrSpec: false)
        try scanner.expectEnd()
        self = uri
    }

    /// Appends the wire form.
    public func write(into buffer: inout [UInt8]) {
        switch self {
        case .sip(let uri): uri.write(into: &buffer)
        case .tel(let uri): uri.write(into: &buffer)
        case .other(_, let text): buffer.append(contentsOf: text.utf8)
        }
    }

    /// Equivalence: §19.1.4 for SIP URIs, RFC 3966 §4 for tel URIs, and for other schemes
    /// case-insensitive scheme with exact remaining text.
    public func isEquivalent(to other: URI) -> Bool {
        switch (self, other) {
        case (.sip(let lhs), .sip(let rhs)): lhs.isEquivalent(to: rhs)
        case (.tel(let lhs), .tel(let rhs)): lhs.isEquivalent(to: rhs)
        case (.other(let lhsScheme, let lhs), .other(let rhsScheme, let rhs)):
            ASCII.equalsIgnoringCase(lhsScheme, rhsScheme)
                && lhs.utf8.dropFirst(lhsScheme.utf8.count).elementsEqual(rhs.utf8.dropFirst(rhsScheme.utf8.count))
        default: false
        }
    }

    private static let schemeChars = ByteClass("+-.", alphanumeric: true)
    private static let opaqueInAddrSpec = ByteClass("/:@&=+$-_.!~*'()%#[]", alphanumeric: true)

    /// Scans a URI of any scheme at the cursor (`addrSpec`: outside angle brackets, where `;`,
    /// `?` and `,` end it).
    static func scan(_ scanner: inout ByteScanner, addrSpec: Bool) throws(SIPGrammarError) -> URI {
        let start = scanner.index
        if let uri = try SIPURI.scanWithScheme(&scanner, addrSpec: addrSpec) { return .sip(uri) }
        if scanner.consumeCaseInsensitive("tel:") {
            return .tel(try TelURI.scanSubscriber(&scanner, addrSpec: addrSpec, start: start))
        }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        guard let first = scanner.peek, ASCII.lower(first) >= UInt8(ascii: "a"), ASCII.lower(first) <= UInt8(ascii: "z") else {
            throw SIPGrammarError(scanner.peek.map { .unexpectedByte($0) } ?? .unexpectedEnd, in: .scheme, at: start)
        }
        let scheme = scanner.scan(schemeChars)
        guard scanner.consume(UInt8(ascii: ":")) else {
            throw SIPGrammarError(scanner.peek.map { .unexpectedByte($0) } ?? .unexpectedEnd, in: .scheme, at: scanner.index)
        }
        let rest = scanner.scan(addrSpec ? opaqueInAddrSpec : SIPChars.uric)
        guard !rest.isEmpty else { throw SIPGrammarError(.empty, in: .uri, at: scanner.index) }
        guard scanner.index - start <= SIPGrammarLimits.maxURILength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxURILength), in: .uri, at: start)
        }
        return .other(scheme: scanner.string(scheme), text: scanner.string(start..<scanner.index))
    }
}
