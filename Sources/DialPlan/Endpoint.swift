import OperatorInput

/// An internal SIP client: a door station, a softphone, a desk phone or a PBX.
public struct Endpoint: Sendable, Equatable {
    /// What kind of device this is; policy and checks depend on it.
    public enum Class: String, Sendable, Codable, CaseIterable, Comparable {
        case door, softphone, phone, pbx
        public static func < (a: Class, b: Class) -> Bool { a.rawValue < b.rawValue }
    }

    /// How the endpoint proves who it is.
    public enum Authentication: Sendable, Equatable {
        /// RFC 3261 §22.4 digest: the device registers and answers challenges.
        case digest(user: String, secret: Secret, realm: String?)
        /// A device that cannot register: identified by the address it sends from.
        case source([IPNetwork])
    }

    /// The transports an endpoint may use for its signalling (`transport:` in the plan).
    public enum TransportPolicy: String, Sendable, Codable, CaseIterable {
        /// UDP, TCP or TLS (the default).
        case any
        /// TLS only (RFC 3261 §26.2): its REGISTER and calls over UDP or TCP are refused with
        /// 403 once its credentials check out, and calls to it use only TLS registrations.
        case tls
    }

    public var name: String
    public var `class`: Class
    /// The number presented as this endpoint's caller identity (defaults to the name).
    public var number: String
    public var authentication: Authentication
    public var media: MediaProfile
    /// Concurrent calls this endpoint may have (a door defaults to 2).
    public var callLimit: Int
    /// How long the device itself keeps calling before giving up (doors: Akuvox default 60 s).
    public var giveUp: Duration?
    /// Which transports its signalling may use.
    public var transport: TransportPolicy = .any
    public var position: SourcePosition
    /// New calls per minute this endpoint may start (issue 10 toll-fraud limits); nil: the
    /// policy's `rate_limit.calls_per_minute` (ten times that for a pbx).
    public var callsPerMinute: Int? = nil

    /// The highest `limit` a plan may give (a PBX's trunk-sized endpoint, the same bound as a
    /// trunk's `limits.calls`).
    public static let maximumCallLimit = 100_000

    /// Default concurrent-call limit per class.
    public static func defaultCallLimit(for kind: Class) -> Int {
        switch kind {
        case .door: 2
        case .softphone, .phone: 4
        case .pbx: 30
        }
    }
}

/// Where a digest secret comes from. Plans never hold clear-text passwords.
public enum Secret: Sendable, Equatable {
    /// An environment variable holding the password.
    case environment(String)
    /// A file holding the password (first line).
    case file(String)
    /// The precomputed RFC 2617 §3.2.2.2 H(A1) = MD5(user:realm:password), hex.
    case ha1(String)
}
