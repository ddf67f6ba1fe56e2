/// A transport RFC 3263 can select: the ones SIPTransport runs.
public enum ResolvedTransport: String, Sendable, Hashable, CaseIterable {
    case udp = "UDP"
    case tcp = "TCP"
    case tls = "TLS"

    /// The default port of RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise.
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }

    /// The SRV owner-name prefix of RFC 3263 §4.1: `_sip._udp`, `_sip._tcp`, `_sips._tcp`.
    public var srvPrefix: String {
        switch self {
        case .udp: "_sip._udp."
        case .tcp: "_sip._tcp."
        case .tls: "_sips._tcp."
        }
    }

    /// The NAPTR service field (RFC 3263 §4.1, RFC 3261 §26 registrations): `SIP+D2U`,
    /// `SIP+D2T`, `SIPS+D2T`.
    public var naptrService: String {
        switch self {
        case .udp: "SIP+D2U"
        case .tcp: "SIP+D2T"
        case .tls: "SIPS+D2T"
        }
    }

    /// The transport a URI `transport` parameter names (case-insensitive); nil for others.
    public init?(uriParameter: String) {
        switch uriParameter.lowercased() {
        case "udp": self = .udp
        case "tcp": self = .tcp
        case "tls": self = .tls
        default: return nil
        }
    }
}

/// A DNS SRV record (RFC 2782).
public struct SRVRecord: Sendable, Hashable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    /// The target host name, without the trailing dot; `.` means "service not available".
    public var target: String
    public var ttl: UInt32

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String, ttl: UInt32) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
        self.ttl = ttl
    }
}

/// A DNS NAPTR record (RFC 3403 §4.1).
public struct NAPTRRecord: Sendable, Hashable {
    public var order: UInt16
    public var preference: UInt16
    public var flags: String
    public var service: String
    public var regexp: String
    /// The replacement domain name, without the trailing dot.
    public var replacement: String
    public var ttl: UInt32

    public init(order: UInt16, preference: UInt16, flags: String, service: String, regexp: String, replacement: String, ttl: UInt32) {
        self.order = order
        self.preference = preference
        self.flags = flags
        self.service = service
        self.regexp = regexp
        self.replacement = replacement
        self.ttl = ttl
    }
}

/// An A or AAAA record: an IP address in text form.
public struct AddressRecord: Sendable, Hashable {
    /// `192.0.2.1` or `2001:db8::1` (no brackets).
    public var address: String
    public var ttl: UInt32

    public init(address: String, ttl: UInt32) {
        self.address = address
        self.ttl = ttl
    }
}

/// A DNS lookup failure that is not "no such records" (an empty answer is not an error).
public enum DNSLookupError: Error, Sendable, Hashable {
    /// The resolver failed (timeout, server failure, `h_errno` given).
    case resolverFailure(name: String, hErrno: Int32)
    /// The answer could not be parsed.
    case malformedAnswer(name: String)
}

/// The DNS queries RFC 3263 needs. The live implementation is ``SystemDNSLookup``; tests use
/// canned answers.
public protocol DNSLookup: Sendable {
    func naptr(_ name: String) async throws -> [NAPTRRecord]
    func srv(_ name: String) async throws -> [SRVRecord]
    /// A and AAAA records of `host` (IPv4 first).
    func addresses(_ host: String) async throws -> [AddressRecord]
}
