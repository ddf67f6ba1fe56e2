/// A media type: the Content-Type value and an Accept entry (RFC 3261 §20.15, §25.1).
///
/// ```
/// media-type  = m-type SLASH m-subtype *(SEMI m-parameter)
/// m-parameter = m-attribute EQUAL m-value
/// m-value     = token / quoted-string
/// ```
/// Type and subtype compare case-insensitively.
public struct MediaType: Hashable, Sendable, SIPGrammarValue {
    /// The top-level type as written (`application`).
    public var type: String
    /// The subtype as written (`sdp`).
    public var subtype: String
    /// The parameters (`charset`, `boundary`...), wire form: quoted values keep their quotes.
    public var parameters: SIPParameters

    /// Creates a media type.
    public init(type: String, subtype: String, parameters: SIPParameters = SIPParameters()) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// `application/sdp` (RFC 3264).
    public static let sdp = MediaType(type: "application", subtype: "sdp")
    /// `application/dtmf-relay`, the common SIP INFO DTMF body.
    public static let dtmfRelay = MediaType(type: "application", subtype: "dtmf-relay")
    /// `multipart/mixed`.
    public static let multipartMixed = MediaType(type: "multipart", subtype: "mixed")

    /// Whether type and subtype equal the given ones, ignoring case and parameters.
    public func matches(_ other: MediaType) -> Bool {
        ASCII.equalsIgnoringCase(type, other.type) && ASCII.equalsIgnoringCase(subtype, other.subtype)
    }

    /// Whether this is `application/sdp`.
    public var isSDP: Bool { matches(.sdp) }

    /// A parameter's value with quotes removed (`boundary`, `charset`).
    public func parameter(_ name: String) -> String? {
        parameters.parameter(named: name)?.unquotedValue
    }

    /// Parses one media-type.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .mediaType, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .mediaType)
        scanner.skipLWS()
        let type = try scanner.token()
        guard scanner.consumeSeparator(UInt8(ascii: "/")) else { throw scanner.unexpected() }
        let subtype = try scanner.token()
        let parameters = try SIPParameters.scanHeaderParameters(&scanner)
        scanner.element = .mediaType
        try scanner.expectEnd()
        if parameters.contains(where: { $0.value == nil }) {
            throw SIPGrammarError(.invalidParameterValue, in: .mediaType, at: bytes.startIndex)
        }
        self.type = scanner.string(type)
        self.subtype = scanner.string(subtype)
        self.parameters = parameters
    }

    /// Appends `type/subtype;params`.
    public func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: type.utf8)
        buffer.append(UInt8(ascii: "/"))
        buffer.append(contentsOf: subtype.utf8)
        parameters.write(into: &buffer)
    }
}
