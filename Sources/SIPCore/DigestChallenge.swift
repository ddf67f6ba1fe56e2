/// A WWW-Authenticate or Proxy-Authenticate value (RFC 3261 §20.44, §22.4; RFC 7616 §3.3;
/// RFC 8760).
///
/// ```
/// challenge  = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
/// digest-cln = realm / domain / nonce / opaque / stale / algorithm / qop-options / auth-param
/// ```
/// The whole value is one challenge: its commas separate auth-params, so the message layer must
/// not split it. Parameters of other schemes are kept in ``parameters``.
public struct DigestChallenge: Hashable, Sendable, SIPGrammarValue {
    /// The scheme as written (`Digest`).
    public var scheme: String
    /// The auth-params in order, wire form (quoted values keep their quotes).
    public var parameters: SIPParameters

    /// Creates a challenge from wire-form parameters.
    public init(scheme: String = "Digest", parameters: SIPParameters) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Creates a Digest challenge with RFC 7616 quoting: realm, nonce, opaque and qop quoted;
    /// algorithm and stale as tokens.
    public init(realm: String, nonce: String, algorithm: DigestAlgorithm? = nil, qop: [String] = ["auth"],
                opaque: String? = nil, stale: Bool = false) {
        var parameters = SIPParameters()
        parameters.append(SIPParameter(name: "realm", value: AuthParameterList.quoted(realm)))
        parameters.append(SIPParameter(name: "nonce", value: AuthParameterList.quoted(nonce)))
        if let opaque { parameters.append(SIPParameter(name: "opaque", value: AuthParameterList.quoted(opaque))) }
        if let algorithm { parameters.append(SIPParameter(name: "algorithm", value: algorithm.name)) }
        if !qop.isEmpty {
            parameters.append(SIPParameter(name: "qop", value: AuthParameterList.quoted(qop.joined(separator: ","))))
        }
        if stale { parameters.append(SIPParameter(name: "stale", value: "TRUE")) }
        self.init(scheme: "Digest", parameters: parameters)
    }

    /// Whether the scheme is `Digest` (any case).
    public var isDigest: Bool { ASCII.equalsIgnoringCase(scheme, "Digest") }

    /// An auth-param's value, unquoted.
    public func value(_ name: String) -> String? { parameters.parameter(named: name)?.unquotedValue }

    /// `realm`.
    public var realm: String? { value("realm") }
    /// `nonce`.
    public var nonce: String? { value("nonce") }
    /// `opaque`.
    public var opaque: String? { value("opaque") }
    /// `domain`: the space-separated URIs of the protection space.
    public var domain: String? { value("domain") }
    /// `algorithm`; nil when absent (which means MD5, RFC 3261 §22.4).
    public var algorithm: DigestAlgorithm? { value("algorithm").map(DigestAlgorithm.init) }
    /// `qop` options (`auth`, `auth-int`), split on commas.
    public var qopOptions: [String] {
        guard let qop = value("qop") else { return [] }
        return qop.split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }.filter { !$0.isEmpty }
    }
    /// `stale=TRUE` (case-insensitive): the nonce expired but the credentials were right.
    public var isStale: Bool { value("stale").map { ASCII.equalsIgnoringCase($0, "true") } ?? false }
    /// `userhash=true` (RFC 7616 §3.3).
    public var userhash: Bool { value("userhash").map { ASCII.equalsIgnoringCase($0, "true") } ?? false }
    /// `charset` (RFC 7616 §3.3, only `UTF-8` is defined).
    public var charset: String? { value("charset") }

    /// Parses one challenge.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        let list = try AuthParameterList.parse(bytes, element: .challenge)
        if ASCII.equalsIgnoringCase(list.scheme, "Digest") {
            guard list.parameters.contains("nonce"), list.parameters.contains("realm") else {
                throw SIPGrammarError(.missingParameter, in: .challenge, at: bytes.startIndex)
            }
        }
        self.init(scheme: list.scheme, parameters: list.parameters)
    }

    /// Appends `Digest name=value, ...`.
    public func write(into buffer: inout [UInt8]) {
        AuthParameterList.write(scheme: scheme, parameters: parameters, into: &buffer)
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
