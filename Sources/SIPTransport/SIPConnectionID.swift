import NIOCore

/// Names one stream connection (TCP or TLS) for as long as it is open; never reused within a
/// `SIPTransportManager`.
public struct SIPConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// A counter value, unique per manager.
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { "conn#\(rawValue)" }
}

/// What a connection is found by when a message is to be sent: the peer's address and port and
/// the transport. A softphone behind NAT that connected to us is reached through the key of its
/// own connection (its NAT-mapped address and port), which is what `received`/`rport` and its
/// registered flow name (RFC 5626 §5.2).
public struct SIPConnectionKey: Hashable, Sendable, CustomStringConvertible {
    /// The peer's address and port.
    public var remote: SocketAddress
    /// TCP or TLS.
    public var transport: SIPTransportProtocol

    public init(remote: SocketAddress, transport: SIPTransportProtocol) {
        self.remote = remote
        self.transport = transport
    }

    public var description: String { "\(transport) \(remote)" }
}
