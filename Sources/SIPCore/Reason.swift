/// One Reason header value (RFC 3326 §2).
///
/// ```
/// reason-value   = protocol *(SEMI reason-params)
/// protocol       = "SIP" / "Q.850" / token
/// reason-params  = protocol-cause / reason-text / reason-extension
/// protocol-cause = "cause" EQUAL cause
/// cause          = 1*DIGIT
/// reason-text    = "text" EQUAL quoted-string
/// ```
public struct Reason: Hashable, Sendable, SIPGrammarValue {
    /// The protocol as written (`SIP`, `Q.850`, ...).
    public var protocolName: String
    /// The parameters in order, wire form.
    public var parameters: SIPParameters

    /// Creates a Reason from wire-form parameters.
    public init(protocolName: String, parameters: SIPParameters = SIPParameters()) {
        self.protocolName = protocolName
        self.parameters = parameters
    }

    /// Creates `protocol;cause=N[;text="..."]`.
    public init(protocolName: String, cause: UInt16, text: String? = nil) {
        var parameters = SIPParameters()
        parameters.append(SIPParameter(name: "cause", value: String(cause)))
        if let text { parameters.append(SIPParameter(name: "text", value: AuthParameterList.quoted(text))) }
        self.init(protocolName: protocolName, parameters: parameters)
    }

    /// The `cause`: a SIP status code or a Q.850 cause value.
    public var cause: UInt16? { parameters["cause"].flatMap { UInt16($0) } }

    /// The `text`, unquoted.
    public var text: String? { parameters.parameter(named: "text")?.unquotedValue }

    /// Whether the protocol is `SIP`.
    public var isSIP: Bool { ASCII.equalsIgnoringCase(protocolName, "SIP") }

    /// Whether the protocol is `Q.850`.
    public var isQ850: Bool { ASCII.equalsIgnoringCase(protocolName, "Q.850") }

    /// Parses one reason-value; `cause` must be a number and `text` a quoted-string.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .reason, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .reason)
        scanner.skipLWS()
        let name = try scanner.token()
        let parameters = try SIPParameters.scanHeaderParameters(&scanner)
        scanner.element = .reason
        try scanner.expectEnd()
        if let cause = parameters.parameter(named: "cause") {
            guard let value = cause.value, !value.isEmpty, value.utf8.count <= 5, UInt16(value) != nil else {
                throw SIPGrammarError(.invalidParameterValue, in: .reason, at: bytes.startIndex)
            }
        }
        if let text = parameters.parameter(named: "text") {
            guard let value = text.value, value.utf8.first == UInt8(ascii: "\"") else {
                throw SIPGrammarError(.invalidParameterValue, in: .reason, at: bytes.startIndex)
            }
        }
        self.init(protocolName: scanner.string(name), parameters: parameters)
    }

    /// Appends `protocol;params`.
    public func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: protocolName.utf8)
        parameters.write(into: &buffer)
    }
}
