import DialPlan

/// What the gateway knows about one carrier trunk at this moment: its outbound registration
/// (RFC 3261 §10.2) and its OPTIONS probe (RFC 3261 §11, INTEROP.md "Carrier trunks").
public struct TrunkHealth: Sendable, Equatable {
    /// Where the trunk's registration stands.
    public enum Registration: Sendable, Equatable {
        /// The trunk has no `register:` section.
        case notConfigured
        /// The first REGISTER is out (or the service just started).
        case registering
        /// Registered until this Unix time.
        case registered(until: Int64)
        /// The last attempt failed; the next one is at this Unix time.
        case failed(retryAt: Int64, failures: Int)
    }

    /// The trunk's name in the dial plan.
    public var trunk: String
    /// Registration state.
    public var registration: Registration
    /// Whether OPTIONS probing says the carrier answers; nil when the trunk is not probed.
    public var probeUp: Bool?
    /// The status of the last probe answer, or 408 for a probe that timed out.
    public var lastProbeStatus: Int?

    /// Creates a health record.
    public init(trunk: String, registration: Registration, probeUp: Bool? = nil, lastProbeStatus: Int? = nil) {
        self.trunk = trunk
        self.registration = registration
        self.probeUp = probeUp
        self.lastProbeStatus = lastProbeStatus
    }

    /// Whether the trunk is registered at `now` (true for a trunk that does not register).
    public func isRegistered(now: Int64) -> Bool {
        switch registration {
        case .notConfigured: true
        case .registered(let until): now < until
        case .registering, .failed: false
        }
    }

    /// Whether routing may send calls to the trunk: the probe (when configured) says up, and a
    /// registration (when configured) has not failed. A trunk still on its first REGISTER counts
    /// as usable: carriers authenticate each INVITE on its own (407), registration only brings
    /// the inbound calls.
    public func isUsable(now: Int64) -> Bool {
        if probeUp == false { return false }
        switch registration {
        case .notConfigured, .registering: return true
        case .registered(let until): return now < until
        case .failed: return false
        }
    }
}

/// The trunk-health query the call layer uses: "may I send this call to trunk X now?".
public protocol TrunkHealthProviding: Sendable {
    /// The health of the trunk called `name`, nil for a trunk the service does not run.
    func health(of name: String) -> TrunkHealth?
    /// The names of the trunks routing must skip now (``TrunkHealth/isUsable(now:)`` false).
    func unusableTrunks(now: Int64) -> Set<String>
}

extension NetworkState {
    /// Adds every trunk that `health` reports unusable at `now` to ``trunksDown``, so the dial
    /// plan's `route(_:state:)` skips them.
    public mutating func markTrunksDown(from health: any TrunkHealthProviding, now: Int64) {
        trunksDown.formUnion(health.unusableTrunks(now: now))
    }
}
