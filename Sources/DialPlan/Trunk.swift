import OperatorInput

/// A carrier connection.
public struct Trunk: Sendable, Equatable {
    /// SIP transport toward the carrier (RFC 3261 §18).
    public enum Transport: String, Sendable, Codable, CaseIterable { case udp, tcp, tls }

    /// Outbound registration (RFC 3261 §10) with digest credentials.
    public struct Registration: Sendable, Equatable {
        public var user: String
        public var secret: Secret
        public var realm: String?
        public var expiry: Duration
    }

    /// OPTIONS probing: down after `downAfter` misses or 503/408, up after `upAfter` successes.
    public struct Probe: Sendable, Equatable {
        public var interval: Duration
        public var downAfter: Int
        public var upAfter: Int

        /// Probes no faster than every 15 s (INTEROP.md: carriers ban aggressive probers).
        public static let minimumInterval = Duration.seconds(15)
        /// 30 s probes; down after 3 misses, up after 2 answers (INTEROP.md).
        public static let `default` = Probe(interval: .seconds(30), downAfter: 3, upAfter: 2)
    }

    public var name: String
    public var server: String
    public var transport: Transport
    /// An explicit port disables RFC 3263 NAPTR/SRV lookup: only A/AAAA of the server are used.
    public var port: Int?
    public var registration: Registration?
    /// Carrier addresses accepted without registration (IP-authenticated trunks).
    public var allow: [IPNetwork]
    /// Our own numbers on this trunk; calls from it to anything else are refused.
    public var dids: [String]
    public var numbers: NumberFormat
    public var identity: IdentityPolicy
    public var media: MediaProfile
    public var probe: Probe?
    public var callLimit: Int
    public var callsPerSecond: Int
    public var position: SourcePosition
    /// New calls per minute this trunk may send us (issue 10); nil: `callsPerSecond` × 60.
    public var callsPerMinute: Int? = nil

    /// RFC 3263 resolution applies when no port is given.
    public var usesRFC3263: Bool { port == nil }
}

/// How numbers are written on a trunk.
public struct NumberFormat: Sendable, Equatable, Codable {
    public enum Style: String, Sendable, Codable, CaseIterable {
        /// `+46701234567` (E.164 with `+`).
        case e164
        /// `0701234567`: national prefix inside the country, international prefix outside.
        case national
        /// `0046701234567`: international prefix always.
        case international
    }

    public var style: Style
    public var country: String
    public var nationalPrefix: String
    public var internationalPrefix: String

    public init(style: Style, country: String, nationalPrefix: String = "0", internationalPrefix: String = "00") {
        self.style = style
        self.country = country
        self.nationalPrefix = nationalPrefix
        self.internationalPrefix = internationalPrefix
    }
}

/// Caller identity on calls sent to a trunk (RFC 3325 PAI, RFC 3323 Privacy, RFC 5806 Diversion).
public struct IdentityPolicy: Sendable, Equatable, Codable {
    /// What P-Asserted-Identity carries.
    public enum Asserted: String, Sendable, Codable, CaseIterable {
        /// The original caller's number.
        case caller
        /// The trunk's own number (`from`).
        case trunk
        /// No P-Asserted-Identity header.
        case none
    }

    /// RFC 3323 Privacy header value.
    public enum Privacy: String, Sendable, Codable, CaseIterable { case none, id }

    /// The From user: a number of ours on this trunk.
    public var from: String?
    public var asserted: Asserted
    public var privacy: Privacy
    /// Add Diversion with our number on forwarded calls (door → mobile).
    public var diversion: Bool

    public init(from: String? = nil, asserted: Asserted = .caller, privacy: Privacy = .none, diversion: Bool = true) {
        self.from = from
        self.asserted = asserted
        self.privacy = privacy
        self.diversion = diversion
    }
}
