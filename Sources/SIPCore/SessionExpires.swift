/// The Session-Expires value (RFC 4028 §4): `delta-seconds *(SEMI se-params)` with
/// `refresher-param = "refresher" EQUAL ("uas" / "uac")`. Min-SE (`delta-seconds
/// *(SEMI generic-param)`) parses with the same type.
public struct SessionExpires: Hashable, Sendable, SIPGrammarValue {
    /// Which side refreshes the session.
    public enum Refresher: String, Hashable, Sendable {
        /// The user agent client of the session-refresh transaction.
        case uac
        /// The user agent server.
        case uas
    }

    /// The session interval in seconds.
    public var seconds: UInt32
    /// The parameters in order (including `refresher`), wire form.
    public var parameters: SIPParameters

    /// Creates a value.
    public init(seconds: UInt32, refresher: Refresher? = nil, parameters: SIPParameters = SIPParameters()) {
        self.seconds = seconds
        self.parameters = parameters
        if let refresher { self.parameters.set("refresher", to: refresher.rawValue) }
    }

    /// The `refresher` parameter.
    public var refresher: Refresher? {
        get { parameters["refresher"].flatMap { Refresher(rawValue: $0.lowercased()) } }
        set {
            if let newValue { parameters.set("refresher", to: newValue.rawValue) } else { parameters.remove("refresher") }
        }
    }

    /// Parses one value; a refresher other than `uac`/`uas` is an error.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .sessionExpires)
        scanner.skipLWS()
        let seconds = try scanner.number(maximum: UInt64(UInt32.max))
        let parameters = try SIPParameters.scanHeaderParameters(&scanner)
        scanner.element = .sessionExpires
        try scanner.expectEnd()
        if let refresher = parameters.parameter(named: "refresher") {
            guard let value = refresher.value, Refresher(rawValue: value.lowercased()) != nil else {
                throw SIPGrammarError(.invalidParameterValue, in: .sessionExpires, at: bytes.startIndex)
            }
        }
        self.seconds = UInt32(seconds)
        self.parameters = parameters
    }

    /// Appends `seconds;params`.
    public func write(into buffer: inout [UInt8]) {
        ASCII.writeDecimal(seconds, into: &buffer)
        parameters.write(into: &buffer)
    }
}
