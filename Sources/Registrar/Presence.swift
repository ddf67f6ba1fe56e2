/// The result of an OPTIONS probe of a registered contact, set by the stack.
public enum ContactHealth: Hashable, Sendable {
    /// Not probed (yet): counted as reachable while the binding lives.
    case unknown
    /// Answered the last probe.
    case up
    /// Missed probes: not offered to routing until it answers again.
    case down
}

/// Whether an endpoint can be called now, and where (issue 4, "presence for routing").
public struct Reachability: Hashable, Sendable {
    /// The address of record.
    public var aor: String
    /// Live bindings not marked down, by preference (q, then most recent).
    public var contacts: [Binding]
    /// Whether at least one contact is usable.
    public var isReachable: Bool { !contacts.isEmpty }

    /// Creates a reachability answer.
    public init(aor: String, contacts: [Binding]) {
        self.aor = aor
        self.contacts = contacts
    }
}

/// Presence from bindings plus per-contact probe health. A value type: the stack holds one,
/// sets health as probes complete, and asks ``reachability(of:bindings:now:)`` when routing.
public struct PresenceTable: Sendable {
    private var health: [String: ContactHealth] = [:]

    /// Creates an empty table.
    public init() {}

    /// Records the probe health of a binding.
    public mutating func setHealth(_ value: ContactHealth, aor: String, key: String) {
        health[Self.slot(aor, key)] = value == .unknown ? nil : value
    }

    /// The recorded health of a binding.
    public func health(aor: String, key: String) -> ContactHealth { health[Self.slot(aor, key)] ?? .unknown }

    /// Forgets bindings that no longer exist (call after expiry sweeps or removals).
    public mutating func retain(only bindings: [Binding]) {
        let live = Set(bindings.map { Self.slot($0.aor, $0.key) })
        health = health.filter { live.contains($0.key) }
    }

    /// Is `aor` reachable at `now`, and at which contacts: bindings of `aor` not expired and not
    /// marked down, by preference.
    public func reachability(of aor: String, bindings: [Binding], now: Int64) -> Reachability {
        let usable = bindings.filter { $0.aor == aor && $0.expiresAt > now && health(aor: aor, key: $0.key) != .down }
        return Reachability(aor: aor, contacts: Registrar.ordered(usable))
    }

    private static func slot(_ aor: String, _ key: String) -> String { aor + "\u{0}" + key }
}
