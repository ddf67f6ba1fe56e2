import DialPlan
import Registrar
import Synchronization

/// The dial plan's digest users, indexed once per plan version: a REGISTER finds its endpoint in
/// O(1) instead of scanning every endpoint (with 5000 endpoints the scan was the largest CPU cost
/// of a registration in `scripts/bench-register`).
@available(macOS 15.0, *)
final class DigestDirectory: Sendable {
    private struct Index {
        var version: Int
        var byUser: [String: Endpoint]
    }
    private let index = Mutex<Index?>(nil)

    /// The endpoint whose digest user is `user` in `version`, nil when none is.
    func endpoint(digestUser user: String, in version: DialPlanStore.Version) -> Endpoint? {
        index.withLock { index in
            if let index, index.version == version.number { return index.byUser[user] }
            let built = Index(version: version.number, byUser: Self.byUser(version.plan))
            index = built
            return built.byUser[user]
        }
    }

    static func byUser(_ plan: DialPlan) -> [String: Endpoint] {
        var result: [String: Endpoint] = [:]
        for endpoint in plan.endpoints.values.sorted(by: { $0.name < $1.name }) {
            guard case .digest(let user, _, _) = endpoint.authentication, result[user] == nil else { continue }
            result[user] = endpoint
        }
        return result
    }
}

@available(macOS 15.0, *)
extension RegistrarService {
    /// The digest secret of `endpoint` (see ``secret(of:in:realm:)``); nil for none.
    static func secret(of endpoint: Endpoint?, realm: String) -> DigestSecret? {
        guard let endpoint, case .digest(_, let secret, let endpointRealm) = endpoint.authentication else { return nil }
        // A stored HA1 only serves for the realm it was computed for (RFC 7616 §3.4.2: A1 contains the realm).
        if case .ha1 = secret, let endpointRealm, endpointRealm != realm { return nil }
        return secret.digestSecret
    }

    /// Whether the AOR's user part is the authenticated user or the name or number of its endpoint (§10.3 step 3).
    static func owns(aor: String, username: String, endpoint: Endpoint?) -> Bool {
        guard let colon = aor.firstIndex(of: ":"), let at = aor.lastIndex(of: "@"), colon < at else { return false }
        let user = String(aor[aor.index(after: colon)..<at])
        if user == username { return true }
        guard let endpoint else { return false }
        return user == endpoint.name || user == endpoint.number
    }
}
