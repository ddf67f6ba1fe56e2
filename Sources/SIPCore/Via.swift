/// One Via header value (RFC 3261 §20.42, §18.2.1; RFC 3581 `rport`).
///
/// ```
/// via-parm      = sent-protocol LWS sent-by *( SEMI via-params )
/// sent-protocol = protocol-name SLASH protocol-version SLASH transport
/// sent-by       = host [ COLON port ]
/// via-params    = via-ttl / via-maddr / via-received / via-branch / via-extension
/// response-port = "rport" [EQUAL 1*DIGIT]                       ; RFC 3581 §6
/// ```
public struct Via: Hashable, Sendable, SIPGrammarValue {
    /// The branch prefix that marks an RFC 3261 transaction identifier (§8.1.1.7).
    public static let magicCookie = "z9hG4bK"

    /// `protocol-name`, normally `SIP`.
    public var protocolName: String
    /// `protocol-version`, normally `2.0`.
    public var protocolVersion: String
    /// The transport as written (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`...); compare
    /// case-insensitively.
    public var transport: String
    /// The sent-by host.
    public var host: SIPHost
    /// The sent-by port; nil when omitted.
    public var port: UInt16?
    /// The via-params in order, wire form.
    public var parameters: SIPParameters

    /// Creates a Via value for `SIP/2.0/transport`.
    public init(transport: String, host: SIPHost, port: UInt16? = nil, branch: String? = nil,
                parameters: SIPParameters = SIPParameters()) {
        self.protocolName = "SIP"
        self.protocolVersion = "2.0"
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = parameters
        if let branch { self.parameters.set("branch", to: branch) }
    }

    /// The `branch` parameter.
    public var branch: String? {
        get { parameters["branch"] }
        set { setOrRemove("branch", newValue) }
    }

    /// Whether the branch starts with the magic cookie `z9hG4bK` (RFC 3261 §8.1.1.7, §17.2.3)
    /// and has an identifier after it: only then may it be used alone to match transactions.
    /// A bare cookie (RFC 4475 §3.2.1, badbranch) is not one; matching falls back to RFC 2543 rules.
    public var isRFC3261Branch: Bool {
        guard let branch else { return false }
        return branch.utf8.count > Via.magicCookie.utf8.count && branch.utf8.starts(with: Via.magicCookie.utf8)
    }

    /// The `received` parameter: the source address the next hop saw (§18.2.1).
    public var received: String? {
        get { parameters["received"] }
        set { setOrRemove("received", newValue) }
    }

    /// The `rport` parameter of RFC 3581.
    public enum ResponsePort: Hashable, Sendable {
        /// `rport` without a value: the client asks for the source port to be filled in.
        case requested
        /// `rport=N`: the source port the server saw.
        case port(UInt16)
    }

    /// The `rport` parameter; nil when absent. Setting `.requested` writes a bare `rport`.
    public var rport: ResponsePort? {
        get {
            guard let parameter = parameters.parameter(named: "rport") else { return nil }
            guard let value = parameter.value else { return .requested }
            return UInt16(value).map(ResponsePort.port)
        }
        set {
            switch newValue {
            case nil: parameters.remove("rport")
            case .requested: parameters.set("rport", to: nil)
            case .port(let port): parameters.set("rport", to: String(port))
            }
        }
    }

    /// The `maddr` parameter.
    public var maddr: String? { parameters["maddr"] }

    /// The `ttl` parameter (0...255).
    public var ttl: UInt8? { parameters["ttl"].flatMap { UInt8($0) } }

    private mutating func setOrRemove(_ name: String, _ value: String?) {
        if let value { parameters.set(name, to: value) } else { parameters.remove(name) }
    }

    /// Parses one via-parm.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .via, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .sentProtocol)
        scanner.skipLWS()
        let name = try scanner.token()
        guard scanner.consumeSeparator(UInt8(ascii: "/")) else { throw scanner.unexpected() }
        let version = try scanner.token()
        guard scanner.consumeSeparator(UInt8(ascii: "/")) else { throw scanner.unexpected() }
        let transport = try scanner.token()
        let beforeSpace = scanner.index
        scanner.skipLWS()
        guard scanner.index > beforeSpace else { throw scanner.unexpected() }
        scanner.element = .host
        let host = try SIPHost.scan(&scanner)
        var port: UInt16?
        if scanner.consumeSeparator(UInt8(ascii: ":")) {
            scanner.element = .port
            port = UInt16(try scanner.number(maximum: UInt64(UInt16.max)))
        }
        scanner.element = .headerParameter
        let parameters = try SIPParameters.scanHeaderParameters(&scanner)
        scanner.element = .via
        try scanner.expectEnd()
        protocolName = ASCII.equals(scanner.bytes[name], "SIP") ? "SIP" : scanner.string(name)
        protocolVersion = ASCII.equals(scanner.bytes[version], "2.0") ? "2.0" : scanner.string(version)
        self.transport = Via.internedTransport(scanner.bytes[transport])
        self.host = host
        self.port = port
        self.parameters = parameters
        try validateParameters(start: bytes.startIndex)
    }

    /// §20.42: ttl is 0...255, received an IP address, rport (RFC 3581) a port.
    private func validateParameters(start: Int) throws(SIPGrammarError) {
        for parameter in parameters {
            let name = parameter.name
            let length = name.utf8.count
            guard length == 3 || length == 5 || length == 6 || length == 8 else { continue }
            if ASCII.equalsIgnoringCase(name, "ttl") {
                guard let value = parameter.value, UInt8(value) != nil else { throw invalid(start) }
            } else if ASCII.equalsIgnoringCase(name, "received") {
                guard let value = parameter.value,
                      ByteView.with(value, { (try? SIPHost(addressView: $0)) != nil }) else { throw invalid(start) }
            } else if ASCII.equalsIgnoringCase(name, "rport") {
                if let value = parameter.value, UInt16(value) == nil { throw invalid(start) }
            } else if ASCII.equalsIgnoringCase(name, "branch") || ASCII.equalsIgnoringCase(name, "maddr") {
                guard parameter.value != nil else { throw invalid(start) }
            }
        }
    }

    private func invalid(_ start: Int) -> SIPGrammarError {
        SIPGrammarError(.invalidParameterValue, in: .via, at: start)
    }

    private static func internedTransport(_ bytes: ByteView) -> String {
        if ASCII.equals(bytes, "UDP") { return "UDP" }
        if ASCII.equals(bytes, "TCP") { return "TCP" }
        if ASCII.equals(bytes, "TLS") { return "TLS" }
        if ASCII.equals(bytes, "WSS") { return "WSS" }
        return bytes.string
    }

    /// Appends the canonical wire form: `SIP/2.0/UDP host:port;params`.
    public func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: protocolName.utf8)
        buffer.append(UInt8(ascii: "/"))
        buffer.append(contentsOf: protocolVersion.utf8)
        buffer.append(UInt8(ascii: "/"))
        buffer.append(contentsOf: transport.utf8)
        buffer.append(UInt8(ascii: " "))
        host.write(into: &buffer)
        if let port {
            buffer.append(UInt8(ascii: ":"))
            ASCII.writeDecimal(port, into: &buffer)
        }
        parameters.write(into: &buffer)
    }
}
