/// A SIP transport protocol as named in a Via header (RFC 3261 §18, §20.42).
public enum SIPTransportProtocol: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case udp = "UDP"
    case tcp = "TCP"
    case tls = "TLS"

    /// Creates the transport named by a Via `transport` token or a URI `transport` parameter,
    /// compared case-insensitively; nil for transports this module does not run (SCTP, WS...).
    public init?(name: some StringProtocol) {
        switch name.uppercased() {
        case "UDP": self = .udp
        case "TCP": self = .tcp
        case "TLS": self = .tls
        default: return nil
        }
    }

    /// True for stream transports, where messages need no retransmission (RFC 3261 §17.1.1.1,
    /// §18.2.2: responses go back over the request's connection).
    public var isReliable: Bool { self != .udp }

    /// True for stream transports framed by Content-Length (RFC 3261 §18.3).
    public var isStream: Bool { self != .udp }

    /// The port used when a sent-by or URI names none (RFC 3261 §18.2.2, §19.1.2): 5061 for
    /// TLS, 5060 otherwise.
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }

    /// The token written in a Via header (`UDP`, `TCP`, `TLS`).
    public var viaName: String { rawValue }

    public var description: String { rawValue }
}
