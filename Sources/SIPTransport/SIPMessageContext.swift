import NIOCore
import SIPCore

/// A bound listening socket.
public struct SIPListener: Hashable, Sendable, CustomStringConvertible {
    /// UDP, TCP or TLS.
    public let transport: SIPTransportProtocol
    /// The bound address, with the port actually chosen (useful when configured as 0).
    public let localAddress: SocketAddress

    public init(transport: SIPTransportProtocol, localAddress: SocketAddress) {
        self.transport = transport
        self.localAddress = localAddress
    }

    /// The port as Via sent-by and Contact should carry it.
    public var port: Int { localAddress.port ?? 0 }

    public var description: String { "\(transport) \(localAddress)" }
}

/// How a message arrived: what the layer above needs to answer it (RFC 3261 §18.2.2) and to
/// reach the peer again over the same flow.
public struct SIPMessageContext: Sendable, CustomStringConvertible {
    /// The packet's source address and port (the NAT-mapped one for a peer behind NAT).
    public let source: SocketAddress
    /// The transport it arrived over.
    public let transport: SIPTransportProtocol
    /// The listener the message arrived on; nil for a message on a connection we opened.
    public let listener: SIPListener?
    /// The stream connection it arrived on; nil for UDP.
    public let connection: SIPConnectionID?
    /// The event loop that received it; the inbound callback runs on it.
    public let eventLoop: any EventLoop
    /// When the transport read it (the layers above measure their queueing from here).
    public var receivedAt: NIODeadline
    /// How full the socket's kernel receive queue was when the message was read, as a fraction
    /// of its buffer (0 when unknown, and for streams): a UDP listener falling behind its peers.
    public var receiveBacklog: Double

    public init(
        source: SocketAddress, transport: SIPTransportProtocol, listener: SIPListener?,
        connection: SIPConnectionID?, eventLoop: any EventLoop, receivedAt: NIODeadline = .now(),
        receiveBacklog: Double = 0
    ) {
        self.source = source
        self.transport = transport
        self.listener = listener
        self.connection = connection
        self.eventLoop = eventLoop
        self.receivedAt = receivedAt
        self.receiveBacklog = receiveBacklog
    }

    /// The key under which the peer's connection (TCP/TLS) is found for later requests.
    public var connectionKey: SIPConnectionKey? {
        transport.isStream ? SIPConnectionKey(remote: source, transport: transport) : nil
    }

    public var description: String {
        "\(transport) from \(source)" + (connection.map { " on \($0)" } ?? "") + (listener.map { " via \($0)" } ?? "")
    }
}

/// A message handed to the layer above, with where it came from. For a request, the top Via
/// already carries `received` and `rport` (RFC 3261 §18.2.1, RFC 3581 §4).
public struct SIPInboundMessage: Sendable {
    /// The parsed message.
    public var message: SIPMessage
    /// How it arrived.
    public let context: SIPMessageContext

    public init(message: SIPMessage, context: SIPMessageContext) {
        self.message = message
        self.context = context
    }
}

/// Where to send a message; target resolution (RFC 3263) is already done by the caller.
public struct SIPTransportTarget: Hashable, Sendable, CustomStringConvertible {
    /// The resolved address and port.
    public var address: SocketAddress
    /// The transport to use.
    public var transport: SIPTransportProtocol
    /// For TLS: the name sent in SNI and verified against the certificate (RFC 5922 §4: the
    /// domain of the SIP URI). Nil verifies the certificate against the IP address.
    public var serverName: String?

    public init(address: SocketAddress, transport: SIPTransportProtocol, serverName: String? = nil) {
        self.address = address
        self.transport = transport
        self.serverName = serverName
    }

    /// A target at an IP literal (`192.0.2.1`, `::1`, `[::1]`).
    public init(host: String, port: Int, transport: SIPTransportProtocol, serverName: String? = nil) throws(SIPTransportError) {
        guard let address = SIPAddressText.socketAddress(host, port: port) else { throw .invalidAddress(host) }
        self.init(address: address, transport: transport, serverName: serverName)
    }

    public var description: String { "\(transport) \(address)" }
}
