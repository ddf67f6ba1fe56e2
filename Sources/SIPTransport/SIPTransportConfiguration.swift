import NIOCore
import SIPCore

/// One socket to listen on.
public struct SIPListenerConfiguration: Hashable, Sendable {
    /// UDP, TCP or TLS.
    public var transport: SIPTransportProtocol
    /// The local address to bind: `0.0.0.0`, `::`, `127.0.0.1`, `::1`, or an interface address.
    public var host: String
    /// The port; 0 picks an ephemeral one (tests). Defaults to 5060, or 5061 for TLS.
    public var port: Int
    /// Certificate and key for a TLS listener; required when `transport` is `.tls`.
    public var tls: SIPTLSServerConfiguration?

    public init(transport: SIPTransportProtocol, host: String, port: Int? = nil, tls: SIPTLSServerConfiguration? = nil) {
        self.transport = transport
        self.host = host
        self.port = port ?? transport.defaultPort
        self.tls = tls
    }
}

/// A TLS listener's identity and its policy for client certificates.
public struct SIPTLSServerConfiguration: Hashable, Sendable {
    /// PEM file holding the certificate chain, leaf first.
    public var certificateChainFile: String
    /// PEM file holding the private key.
    public var privateKeyFile: String
    /// Whether clients must present a certificate.
    public var clientCertificates: ClientCertificatePolicy

    /// Client certificate verification (RFC 3261 §26.3.2.2 mutual TLS between proxies).
    public enum ClientCertificatePolicy: Hashable, Sendable {
        /// No client certificate is requested.
        case none
        /// A client certificate is required and verified against `trustRootsFile` (PEM), or
        /// the system trust store when nil; its host name is not checked.
        case required(trustRootsFile: String?)
    }

    public init(certificateChainFile: String, privateKeyFile: String, clientCertificates: ClientCertificatePolicy = .none) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.clientCertificates = clientCertificates
    }
}

/// How outbound TLS connections (to trunks) verify the server, and the identity we present.
///
/// The chain is verified against the trust roots; the name is the target's `serverName` (also
/// sent as SNI), or the connected IP address when there is none. Note (swift-nio-ssl
/// behaviour): a certificate whose IP-address SAN matches the connected address is accepted
/// whatever name was asked for.
public struct SIPTLSClientConfiguration: Hashable, Sendable {
    /// PEM file of trusted roots; nil uses the system trust store.
    public var trustRootsFile: String?
    /// When false, the certificate chain is still verified but the host name is not (for
    /// trunks reached by IP address whose certificates name only a host).
    public var verifyHostname: Bool
    /// Our certificate chain and key, for trunks that require mutual TLS.
    public var certificateChainFile: String?
    /// PEM file of the key for `certificateChainFile`.
    public var privateKeyFile: String?

    public init(
        trustRootsFile: String? = nil, verifyHostname: Bool = true,
        certificateChainFile: String? = nil, privateKeyFile: String? = nil
    ) {
        self.trustRootsFile = trustRootsFile
        self.verifyHostname = verifyHostname
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
    }
}

/// Everything the transport manager needs to start.
public struct SIPTransportConfiguration: Sendable {
    /// The sockets to listen on; several may share a transport (IPv4 and IPv6, several ports).
    public var listeners: [SIPListenerConfiguration]
    /// Outbound TLS policy.
    public var tlsClient: SIPTLSClientConfiguration
    /// Limits for datagrams.
    public var datagramLimits: SIPParseLimits
    /// Limits for stream messages (a stream may carry larger messages than UDP, §18.1.1).
    public var streamLimits: SIPParseLimits
    /// A stream connection with no traffic either way for this long is closed. RFC 5626 §4.4.1
    /// keep-alives count as traffic.
    public var idleTimeout: TimeAmount
    /// How long an outbound TCP connect or TLS handshake may take.
    public var connectTimeout: TimeAmount
    /// How long an inbound TLS handshake may take before the connection is closed.
    public var tlsHandshakeTimeout: TimeAmount
    /// The path MTU for the §18.1.1 size rule; nil when unknown (1300-byte rule).
    public var pathMTU: Int?
    /// Inbound stream connections beyond this many open ones are closed on arrival.
    public var maxInboundConnections: Int
    /// Inbound stream connections from one IP address (any port) beyond this many open ones
    /// are closed on arrival (issue 10: "TCP connections per source"); a NAT in front of a
    /// whole office stays far below it.
    public var maxInboundConnectionsPerSource = SIPTransportConfiguration.defaultMaxInboundConnectionsPerSource
    /// The default of ``maxInboundConnectionsPerSource``.
    public static let defaultMaxInboundConnectionsPerSource = 200
    /// The receive buffer asked for on UDP listeners (`SO_RCVBUFFORCE` when the process may,
    /// else `SO_RCVBUF`, which Linux caps at `net.core.rmem_max`; either way Linux doubles it
    /// for its bookkeeping): a scheduling stall of the reading loop must not drop datagrams,
    /// and the overload guard reads how full it is (``SIPMessageContext/receiveBacklog``).
    /// Each datagram costs its kernel buffer (truesize) roughly 1.5–2 KB, so at 2000 calls/s
    /// (≈ 14,000 datagrams/s in) the 2 MB a 1 MB request gave is estimated at ≈ 70–100 ms of
    /// traffic: with 100 ms stalls injected every 2 s (session 7, bench-b2bua) the backlog guard
    /// still refused calls at 2000 calls/s with it and refused none with 4 MB.
    public var udpReceiveBuffer = 4 << 20

    public init(
        listeners: [SIPListenerConfiguration],
        tlsClient: SIPTLSClientConfiguration = SIPTLSClientConfiguration(),
        datagramLimits: SIPParseLimits = .default,
        streamLimits: SIPParseLimits = .default,
        idleTimeout: TimeAmount = .seconds(300),
        connectTimeout: TimeAmount = .seconds(10),
        pathMTU: Int? = nil,
        maxInboundConnections: Int = 10_000,
        tlsHandshakeTimeout: TimeAmount = .seconds(10)
    ) {
        self.listeners = listeners
        self.tlsClient = tlsClient
        self.datagramLimits = datagramLimits
        self.streamLimits = streamLimits
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
        self.pathMTU = pathMTU
        self.maxInboundConnections = maxInboundConnections
        self.tlsHandshakeTimeout = tlsHandshakeTimeout
    }
}
