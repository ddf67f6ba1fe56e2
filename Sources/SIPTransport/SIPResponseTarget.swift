import SIPCore

/// Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4): first the connection the request
/// came on (reliable transports), else `host`:`port` over `transport`.
public struct SIPResponseTarget: Hashable, Sendable, CustomStringConvertible {
    /// The connection to try first; nil for UDP.
    public var connection: SIPConnectionID?
    /// An IP literal, or a domain name that must be resolved per RFC 3263 §5 first.
    public var host: String
    /// The port (RFC 3581 rport, sent-by port, or the transport's default).
    public var port: Int
    /// The transport named in the Via.
    public var transport: SIPTransportProtocol

    public init(connection: SIPConnectionID? = nil, host: String, port: Int, transport: SIPTransportProtocol) {
        self.connection = connection
        self.host = host
        self.port = port
        self.transport = transport
    }

    /// True when `host` is a domain name: the layer above resolves it (RFC 3263 §5) and sends
    /// to the result with `SIPTransportManager.send(_:to:)`.
    public var needsResolution: Bool { !SIPAddressText.isIPLiteral(host) }

    public var description: String {
        let address = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)"
        return connection.map { "\($0) else \(transport) \(address)" } ?? "\(transport) \(address)"
    }
}

/// The response routing rules of RFC 3261 §18.2.2 and RFC 3581 §4, as a pure function of the
/// response's top Via and the request's arrival.
public enum SIPResponseRouting {
    /// Where to send a response whose top Via is `via`, for a request that arrived over
    /// `transport` (on `connection` for TCP/TLS):
    ///
    /// - Reliable transport: the request's connection if still open; else a new connection to
    ///   `received` (or the sent-by host) at the sent-by port (default 5060/5061).
    /// - `maddr` present: to `maddr` at the sent-by port (multicast TTL is not used: this
    ///   transport does not send multicast).
    /// - `received` present: to `received` at `rport` (RFC 3581 §4) or else the sent-by port.
    /// - Otherwise: to the sent-by host and port; a domain name is resolved by the caller
    ///   (RFC 3263 §5).
    public static func target(
        for via: Via, arrivedOver transport: SIPTransportProtocol, connection: SIPConnectionID?
    ) -> SIPResponseTarget {
        let viaTransport = SIPTransportProtocol(name: via.transport) ?? transport
        let sentByPort = via.port.map(Int.init) ?? viaTransport.defaultPort
        if viaTransport.isReliable {
            return SIPResponseTarget(
                connection: connection, host: via.received.map(unbracketed) ?? via.host.text, port: sentByPort,
                transport: viaTransport)
        }
        if let maddr = via.maddr {
            return SIPResponseTarget(host: unbracketed(maddr), port: sentByPort, transport: viaTransport)
        }
        if let received = via.received {
            var port = sentByPort
            if case .port(let rport) = via.rport { port = Int(rport) }
            return SIPResponseTarget(host: unbracketed(received), port: port, transport: viaTransport)
        }
        return SIPResponseTarget(host: via.host.text, port: sentByPort, transport: viaTransport)
    }

    private static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
