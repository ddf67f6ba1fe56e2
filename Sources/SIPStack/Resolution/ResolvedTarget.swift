/// One place to send a request, as RFC 3263 resolution yields it: an IP address, a port and a
/// transport, plus the domain to verify a TLS certificate against.
public struct ResolvedTarget: Sendable, Hashable, CustomStringConvertible {
    /// An IP address literal without brackets.
    public var address: String
    public var port: Int
    public var transport: ResolvedTransport
    /// For TLS: the domain of the URI (RFC 5922 §4), nil for an IP literal.
    public var serverName: String?

    public init(address: String, port: Int, transport: ResolvedTransport, serverName: String? = nil) {
        self.address = address
        self.port = port
        self.transport = transport
        self.serverName = serverName
    }

    public var description: String {
        let host = address.contains(":") ? "[\(address)]" : address
        return "\(transport.rawValue) \(host):\(port)"
    }
}

/// What RFC 3263 resolution starts from: the parts of a SIP or SIPS URI that matter (§4).
public struct ResolutionRequest: Sendable, Hashable {
    /// A domain name or an IP literal (IPv6 without brackets).
    public var host: String
    public var isIPAddress: Bool
    public var port: Int?
    /// The `transport` URI parameter, if it names a transport we run.
    public var transport: ResolvedTransport?
    /// A `sips:` URI: TLS only (§4.1).
    public var secure: Bool

    public init(host: String, isIPAddress: Bool, port: Int? = nil, transport: ResolvedTransport? = nil, secure: Bool = false) {
        self.host = host
        self.isIPAddress = isIPAddress
        self.port = port
        self.transport = transport
        self.secure = secure
    }
}
