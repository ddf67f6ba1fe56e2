import Foundation

/// The gateway at a glance (`GET /status`, `gatehouse status`).
public struct AdminStatus: Codable, Sendable, Equatable {
    /// The gatehouse version.
    public var version: String
    /// Seconds since the service started.
    public var uptimeSeconds: Int
    /// Bindings that have not expired.
    public var registrations: Int
    /// The trunks of the running dial plan, by name.
    public var trunks: [AdminTrunk]
    /// Calls in progress.
    public var callsInProgress: Int
    /// The running dial-plan version (1 at start, +1 per applied reload).
    public var dialPlanVersion: Int
    /// The dial-plan file.
    public var dialPlanPath: String
    /// Whether the service is draining (no new calls).
    public var draining: Bool
    /// Source addresses banned now (`GET /bans` lists them).
    public var activeBans: Int

    public init(version: String, uptimeSeconds: Int, registrations: Int, trunks: [AdminTrunk], callsInProgress: Int,
                dialPlanVersion: Int, dialPlanPath: String, draining: Bool, activeBans: Int = 0) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.registrations = registrations
        self.trunks = trunks
        self.callsInProgress = callsInProgress
        self.dialPlanVersion = dialPlanVersion
        self.dialPlanPath = dialPlanPath
        self.draining = draining
        self.activeBans = activeBans
    }
}

/// One carrier trunk as the status shows it.
public struct AdminTrunk: Codable, Sendable, Equatable {
    public var name: String
    /// Whether the trunk registers with the carrier (RFC 3261 §10.2).
    public var registers: Bool
    /// The registration: `registered`, `registering`, `failed`, `not_registering` (no `register:`
    /// section), or `unknown` when the trunk service does not run it.
    public var state: String
    /// The OPTIONS probe (RFC 3261 §11): `up`, `down`, or nil when the trunk is not probed.
    public var probe: String?
    /// The status of the last probe answer (408 for a timeout).
    public var lastProbeStatus: Int?
    /// For a registered trunk, when the registration ends; for a failed one, the next attempt.
    public var until: Date?

    public init(name: String, registers: Bool, state: String, probe: String? = nil, lastProbeStatus: Int? = nil, until: Date? = nil) {
        self.name = name
        self.registers = registers
        self.state = state
        self.probe = probe
        self.lastProbeStatus = lastProbeStatus
        self.until = until
    }
}

/// One binding of the location service (RFC 3261 §10.3).
public struct AdminRegistration: Codable, Sendable, Equatable {
    /// The address of record.
    public var aor: String
    /// The Contact URI.
    public var contact: String
    /// The transport and source it registered from, e.g. `udp 192.0.2.10:5062`.
    public var transport: String
    public var source: String
    /// Seconds until it expires.
    public var expiresIn: Int
    public var userAgent: String?

    public init(aor: String, contact: String, transport: String, source: String, expiresIn: Int, userAgent: String?) {
        self.aor = aor
        self.contact = contact
        self.transport = transport
        self.source = source
        self.expiresIn = expiresIn
        self.userAgent = userAgent
    }
}

/// What `POST /reload` did.
public struct AdminReloadResult: Codable, Sendable, Equatable {
    /// `applied`, `unchanged` or `rejected`.
    public var outcome: String
    /// The running version after the reload.
    public var version: Int
    /// What changed, or every error with file:line:column.
    public var messages: [String]

    public init(outcome: String, version: Int, messages: [String]) {
        self.outcome = outcome
        self.version = version
        self.messages = messages
    }
}
