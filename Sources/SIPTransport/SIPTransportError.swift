/// Why a transport operation failed.
public enum SIPTransportError: Error, Hashable, Sendable {
    /// A TLS listener has no `tls` configuration.
    case missingTLSConfiguration(listener: String)
    /// No listener of this transport and address family to send a datagram from.
    case noListener(SIPTransportProtocol, ipv6: Bool)
    /// The target host is a name: resolve it (RFC 3263) and send to an address.
    case targetNeedsResolution(host: String, port: Int, transport: SIPTransportProtocol)
    /// The address given is not an IP address.
    case invalidAddress(String)
    /// The connection closed before the message could be written.
    case connectionClosed(SIPConnectionID)
    /// The manager was shut down.
    case shutDown
    /// The message could not be routed: its top Via is unreadable.
    case unroutableResponse(reason: String)
}
