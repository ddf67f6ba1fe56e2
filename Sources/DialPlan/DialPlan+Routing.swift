import Foundation

extension DialPlan {
    /// Timeout of a trunk target that gives none.
    public static let defaultTrunkTimeout = Duration.seconds(60)
    /// Named limit: `route:` targets followed at most this deep (loops are refused by `check`).
    public static let maximumRouteDepth = 8

    /// The routing function: who calls, what they dialled, when, and who is reachable → the ordered
    /// attempts with each leg's media and DTMF profile. It is pure: the same inputs give the same plan.
    /// `explain` also records every rule considered (slower; for `route explain`).
    public func route(_ call: CallRequest, state: NetworkState = NetworkState(), explain: Bool = false) -> RoutingDecision {
        var run = RoutingRun(plan: self, call: call, state: state, explain: explain)
        return run.decide()
    }

    /// The endpoint authenticated by `source` address, if one is.
    public func endpoint(forSource source: IPAddress) -> Endpoint? {
        sources.endpoint(for: source).flatMap { endpoints[$0] }
    }

    /// Reads `2026-11-22T18:00` (or with seconds) in the plan's time zone.
    public func localTime(_ text: String) -> Date? {
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = timeZone
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// Endpoint names in a group, recursively and in order; an endpoint name gives itself.
    func endpointNames(in name: String, depth: Int = 0) -> [String] {
        if endpoints[name] != nil { return [name] }
        guard let group = groups[name], depth < Self.maximumRouteDepth else { return [] }
        return group.members.flatMap { endpointNames(in: $0.name, depth: depth + 1) }
    }
}

extension CallerMatch {
    /// True when the caller (and its source) fits this condition.
    func matches(caller: CallRequest.Caller, endpoint: Endpoint?, source: IPAddress?, plan: DialPlan) -> Bool {
        if !networks.isEmpty {
            guard let source, networks.contains(where: { $0.contains(source) }) else { return false }
        }
        guard hasIdentity else { return true }
        switch caller {
        case .endpoint(let name):
            if let endpoint, classes.contains(endpoint.class) { return true }
            return endpoints.contains { $0.name == name || (plan.groups[$0.name] != nil && plan.endpointNames(in: $0.name).contains(name)) }
        case .trunk(let name):
            return trunks.contains { $0.name == name }
        case .unknown:
            return false
        }
    }

    /// Why the caller does not fit, for traces.
    func mismatch(caller: CallRequest.Caller, source: IPAddress?) -> String {
        if !networks.isEmpty, source.map({ address in networks.contains { $0.contains(address) } }) != true {
            return "source \(source?.description ?? "unknown") is not in \(networks.map(\.text).joined(separator: ", "))"
        }
        switch caller {
        case .endpoint(let name): return "caller \(name) is not \(describe)"
        case .trunk(let name): return "trunk \(name) is not \(describe)"
        case .unknown: return "an unauthenticated caller is not \(describe)"
        }
    }

    var describe: String {
        var parts: [String] = []
        if !endpoints.isEmpty { parts.append(endpoints.map(\.name).joined(separator: ", ")) }
        if !classes.isEmpty { parts.append("class " + classes.map(\.rawValue).joined(separator: ", ")) }
        if !trunks.isEmpty { parts.append("trunk " + trunks.map(\.name).joined(separator: ", ")) }
        return parts.joined(separator: " or ")
    }
}
