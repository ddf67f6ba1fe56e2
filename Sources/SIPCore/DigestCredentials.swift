/// An Authorization or Proxy-Authorization value (RFC 3261 §20.7, §22.4; RFC 7616 §3.4;
/// RFC 8760).
///
/// ```
/// credentials     = ("Digest" LWS digest-response) / other-response
/// dig-resp        = username / realm / nonce / digest-uri / dresponse / algorithm / cnonce
///                   / opaque / message-qop / nonce-count / auth-param
/// ```
/// One value is one set of credentials; its commas separate auth-params.
public struct DigestCredentials: Hashable, Sendable, SIPGrammarValue {
    /// The scheme as written (`Digest`).
    public var scheme: String
    /// The auth-params in order, wire form.
    public var parameters: SIPParameters

    /// Creates credentials from wire-form parameters.
    public init(scheme: String = "Digest", parameters: SIPParameters) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Creates Digest credentials with RFC 7616 quoting (algorithm, qop and nc as tokens).
    public init(username: String, realm: String, nonce: String, uri: String, response: String,
                algorithm: DigestAlgorithm? = nil, cnonce: String? = nil, opaque: String? = nil,
                qop: String? = nil, nonceCount: UInt32? = nil) {
        var parameters = SIPParameters()
        parameters.append(SIPParameter(name: "username", value: AuthParameterList.quoted(username)))
        parameters.append(SIPParameter(name: "realm", value: AuthParameterList.quoted(realm)))
        parameters.append(SIPParameter(name: "nonce", value: AuthParameterList.quoted(nonce)))
        parameters.append(SIPParameter(name: "uri", value: AuthParameterList.quoted(uri)))
        parameters.append(SIPParameter(name: "response", value: AuthParameterList.quoted(response)))
        if let algorithm { parameters.append(SIPParameter(name: "algorithm", value: algorithm.name)) }
        if let cnonce { parameters.append(SIPParameter(name: "cnonce", value: AuthParameterList.quoted(cnonce))) }
        if let opaque { parameters.append(SIPParameter(name: "opaque", value: AuthParameterList.quoted(opaque))) }
        if let qop { parameters.append(SIPParameter(name: "qop", value: qop)) }
        if let nonceCount { parameters.append(SIPParameter(name: "nc", value: DigestCredentials.formatNonceCount(nonceCount))) }
        self.init(scheme: "Digest", parameters: parameters)
    }

    /// Whether the scheme is `Digest` (any case).
    public var isDigest: Bool { ASCII.equalsIgnoringCase(scheme, "Digest") }

    /// An auth-param's value, unquoted.
    public func value(_ name: String) -> String? { parameters.parameter(named: name)?.unquotedValue }

    /// `username`, or the decoded `username*` (RFC 7616 §3.4.4) for names beyond ASCII.
    public var username: String? {
        value("username") ?? value("username*").flatMap(AuthParameterList.decodeExtendedValue)
    }
    /// `realm`.
    public var realm: String? { value("realm") }
    /// `nonce`.
    public var nonce: String? { value("nonce") }
    /// `uri` (digest-uri: the Request-URI as the client sent it).
    public var uri: String? { value("uri") }
    /// `response` (hex digest).
    public var response: String? { value("response") }
    /// `algorithm`; nil when absent (MD5).
    public var algorithm: DigestAlgorithm? { value("algorithm").map(DigestAlgorithm.init) }
    /// `cnonce`.
    public var cnonce: String? { value("cnonce") }
    /// `opaque`.
    public var opaque: String? { value("opaque") }
    /// `qop` (`auth` or `auth-int`); accepted quoted or not, as clients differ.
    public var qop: String? { value("qop") }
    /// `nc`: the nonce count, `8LHEX`; nil when absent or malformed.
    public var nonceCount: UInt32? {
        guard let text = value("nc"), text.utf8.count == 8 else { return nil }
        return UInt32(text, radix: 16)
    }
    /// `userhash=true` (RFC 7616 §3.4.4).
    public var userhash: Bool { value("userhash").map { ASCII.equalsIgnoringCase($0, "true") } ?? false }

    /// Parses one set of credentials. For Digest, username, realm, nonce, uri and response are
    /// required (RFC 7616 §3.4).
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        let list = try AuthParameterList.parse(bytes, element: .credentials)
        if ASCII.equalsIgnoringCase(list.scheme, "Digest") {
            for required in ["realm", "nonce", "uri", "response"] where !list.parameters.contains(required) {
                throw SIPGrammarError(.missingParameter, in: .credentials, at: bytes.startIndex)
            }
            guard list.parameters.contains("username") || list.parameters.contains("username*") else {
                throw SIPGrammarError(.missingParameter, in: .credentials, at: bytes.startIndex)
            }
        }
        self.init(scheme: list.scheme, parameters: list.parameters)
    }

    /// Appends `Digest name=value, ...`.
    public func write(into buffer: inout [UInt8]) {
        AuthParameterList.write(scheme: scheme, parameters: parameters, into: &buffer)
    }

    static func formatNonceCount(_ count: UInt32) -> String {
        let hex = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.utf8.count)) + hex
    }
}
