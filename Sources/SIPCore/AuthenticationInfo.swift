/// The Authentication-Info value (RFC 3261 §20.6; RFC 7616 §3.5): what a server tells the client
/// after successful Digest authentication.
///
/// ```
/// Authentication-Info = "Authentication-Info" HCOLON ainfo *(COMMA ainfo)
/// ainfo               = nextnonce / message-qop / response-auth / cnonce / nonce-count
/// ```
/// The whole value is one list of auth-params (its commas are not header-level separators).
public struct AuthenticationInfo: Hashable, Sendable, SIPGrammarValue {
    /// The auth-params in order, wire form.
    public var parameters: SIPParameters

    /// Creates a value from wire-form parameters.
    public init(parameters: SIPParameters) { self.parameters = parameters }

    /// Creates `nextnonce="..."` (RFC 3261 §22.4: the nonce the client should use next).
    public init(nextNonce: String) {
        self.init(parameters: [("nextnonce", AuthParameterList.quoted(nextNonce))])
    }

    /// An auth-param's value, unquoted.
    public func value(_ name: String) -> String? { parameters.parameter(named: name)?.unquotedValue }

    /// `nextnonce`.
    public var nextNonce: String? { value("nextnonce") }
    /// `qop`.
    public var qop: String? { value("qop") }
    /// `rspauth`: the server's proof that it knows the password.
    public var responseAuth: String? { value("rspauth") }
    /// `cnonce`.
    public var cnonce: String? { value("cnonce") }
    /// `nc`, parsed from `8LHEX`.
    public var nonceCount: UInt32? {
        guard let text = value("nc"), text.utf8.count == 8 else { return nil }
        return UInt32(text, radix: 16)
    }

    /// Parses `ainfo *(COMMA ainfo)`.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .authParameter, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .authParameter)
        let parameters = try AuthParameterList.scanParameters(&scanner)
        guard !parameters.isEmpty else { throw SIPGrammarError(.empty, in: .authParameter, at: bytes.startIndex) }
        self.init(parameters: parameters)
    }

    /// Appends `name=value, name=value`.
    public func write(into buffer: inout [UInt8]) {
        for (offset, parameter) in parameters.enumerated() {
            if offset > 0 { buffer.append(contentsOf: ", ".utf8) }
            buffer.append(contentsOf: parameter.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: (parameter.value ?? "\"\"").utf8)
        }
    }
}
