/// Counts of what the transport received, sent and refused, for logs and (later) metrics.
/// Read a snapshot with `SIPTransportManager.counters`.
public struct SIPTransportCounters: Hashable, Sendable {
    /// Messages parsed and handed to the layer above.
    public var messagesReceived = 0
    /// Messages and raw byte payloads written to a socket.
    public var messagesSent = 0
    /// Datagrams or stream messages that did not parse (or had an unreadable top Via).
    public var parseErrors = 0
    /// Error responses (400, 413, 505, 513...) the transport sent itself for malformed requests.
    public var errorResponsesSent = 0
    /// Malformed input dropped without an answer (responses, ACKs, unreadable start lines).
    public var malformedDropped = 0
    /// Stream connections closed because their framing was lost (garbage, limits exceeded).
    public var connectionsClosedForErrors = 0
    /// Stream connections closed after the idle timeout.
    public var connectionsClosedIdle = 0
    /// Inbound TLS connections closed because their handshake did not complete in time.
    public var tlsHandshakeTimeouts = 0
    /// Stream connections accepted on listeners.
    public var connectionsAccepted = 0
    /// Inbound stream connections closed on arrival: shut down, or over
    /// `SIPTransportConfiguration.maxInboundConnections` or `maxInboundConnectionsPerSource`.
    public var connectionsRefused = 0
    /// Stream connections opened to targets.
    public var connectionsOpened = 0
    /// Outbound TCP connects that failed (refused, unreachable, timeout); a failed TLS
    /// handshake shows as a send failure.
    public var connectFailures = 0
    /// CRLFCRLF keep-alive pings answered with CRLF (RFC 5626 §3.5.1).
    public var keepAlivePingsAnswered = 0
    /// UDP datagrams holding only CRLFs (keep-alives), ignored.
    public var keepAliveDatagrams = 0
    /// Sends that failed (no route, closed connection, socket error).
    public var sendFailures = 0

    public init() {}
}
