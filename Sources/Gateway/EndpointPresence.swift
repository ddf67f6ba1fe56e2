import DialPlan
import Registrar

/// The presence query the call layer uses (issue 4, "presence for routing"): is endpoint X
/// reachable now, and at which contacts.
public protocol EndpointPresenceProviding: Sendable {
    /// The live, not-unreachable contacts of the endpoint called `name` in the running dial
    /// plan, by preference (q, then most recent); empty when it is offline or unknown.
    func reachability(ofEndpoint name: String, now: Int64) async -> Reachability
    /// The dial plan's registering endpoints that have no usable contact at `now`.
    func offlineEndpoints(now: Int64) async -> Set<String>
}

extension NetworkState {
    /// Adds every endpoint `presence` reports offline at `now` to ``offline``, so the dial plan's
    /// `route(_:state:)` treats it as not registered.
    public mutating func markOffline(from presence: any EndpointPresenceProviding, now: Int64) async {
        offline.formUnion(await presence.offlineEndpoints(now: now))
    }
}

extension Endpoint {
    /// The AOR user parts that belong to this endpoint: its digest user, name and number (the
    /// registrar accepts each, RegistrarService.owns).
    var aorUsers: Set<String> {
        var users: Set<String> = [name, number]
        if case .digest(let user, _, _) = authentication { users.insert(user) }
        return users
    }

    /// Whether the endpoint registers (digest) rather than being known by its source address.
    var registers: Bool {
        if case .digest = authentication { return true }
        return false
    }
}

extension Binding {
    /// The user part of the AOR (`alice` of `sip:alice@example.com`).
    var aorUser: String? {
        guard let colon = aor.firstIndex(of: ":"), let at = aor.lastIndex(of: "@"), colon < at else { return nil }
        return String(aor[aor.index(after: colon)..<at])
    }
}
