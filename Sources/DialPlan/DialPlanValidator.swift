import OperatorInput

/// Checks that need the whole plan: references, loops, shadowed routes, fallbacks, door safety,
/// trunk credentials. Every finding names the position of the part to change.
struct DialPlanValidator {
    let plan: DialPlan
    private(set) var findings: [InputError] = []

    /// Every door endpoint, by name; door checks look at these only.
    let doors: [Endpoint]

    init(plan: DialPlan) {
        self.plan = plan
        doors = plan.endpoints.values.filter { $0.class == .door }.sorted { $0.name < $1.name }
    }

    mutating func validate() -> [InputError] {
        checkNames()
        checkGroups()
        checkTrunks()
        checkRoutes()
        checkRouteLoops()
        checkShadowedRoutes()
        checkDoorSafety()
        return findings
    }

    mutating func report(_ position: SourcePosition, _ message: String, fix: String, severity: InputError.Severity = .error) {
        findings.append(InputError(file: position.file, line: position.line, column: position.column,
                                   message: message, fix: fix, severity: severity))
    }

    /// Reports an unknown name with the closest known one.
    mutating func unknown(_ reference: Reference, kind: String, among names: [String]) {
        let declaredKinds = kind.split(separator: " ").map(String.init).filter { $0 != "or" }
        if declaredKinds.contains(where: { plan.declared.contains("\($0):\(reference.name)") }) { return }
        let names = Array(Set(names))
        report(reference.position, "no \(kind) is named '\(reference.name)'",
               fix: NodeReader.suggestion(for: reference.name, among: names.sorted(),
                                           what: kind == "endpoint or group" ? "endpoints and groups" : "\(kind)s"))
    }

    var ringableNames: [String] { Array(plan.endpoints.keys) + Array(plan.groups.keys) }

    private mutating func checkNames() {
        for group in plan.groups.values.sorted(by: { $0.name < $1.name }) where plan.endpoints[group.name] != nil {
            report(group.position, "group '\(group.name)' has the name of an endpoint",
                   fix: "rename the group so `ring: \(group.name)` is not ambiguous")
        }
        var seen: [String: Route] = [:]
        for route in plan.routes {
            if let first = seen[route.name] {
                report(route.position, "a route named '\(route.name)' already exists (line \(first.position.line))",
                       fix: "give each route a unique name")
            } else {
                seen[route.name] = route
            }
        }
    }

    private mutating func checkGroups() {
        for group in plan.groups.values.sorted(by: { $0.name < $1.name }) {
            for member in group.members where plan.endpoints[member.name] == nil && plan.groups[member.name] == nil {
                unknown(member, kind: "endpoint or group", among: ringableNames)
            }
            if let cycle = groupCycle(from: group.name, path: []) {
                report(group.position, "group '\(group.name)' contains itself: \(cycle.joined(separator: " → "))",
                       fix: "remove one of the nested groups")
            }
        }
    }

    private func groupCycle(from name: String, path: [String]) -> [String]? {
        if path.contains(name) { return path.first == name ? path + [name] : nil }
        guard let group = plan.groups[name] else { return nil }
        for member in group.members where plan.groups[member.name] != nil {
            if let cycle = groupCycle(from: member.name, path: path + [name]) { return cycle }
        }
        return nil
    }

    private mutating func checkTrunks() {
        for trunk in plan.trunks.values.sorted(by: { $0.name < $1.name }) {
            if trunk.registration == nil && trunk.allow.isEmpty {
                report(trunk.position, "trunk '\(trunk.name)' has neither credentials nor an allow-list",
                       fix: "add `register: { user: …, password_env: … }` or `allow: [CARRIER-ADDRESS]`")
            }
            if !trunk.allow.isEmpty && trunk.dids.isEmpty {
                report(trunk.position, "IP-authenticated trunk '\(trunk.name)' lists no DIDs, so any number is accepted from it",
                       fix: "add `dids: [\"+46…\"]` with your own numbers (toll-fraud protection)", severity: .warning)
            }
        }
    }

    /// Door endpoints a route's caller condition names (by endpoint, group or class).
    func doorCallers(_ match: CallerMatch) -> [Endpoint] {
        var names = Set<String>()
        for reference in match.endpoints { names.formUnion(members(of: reference.name)) }
        return doors.filter { names.contains($0.name) || match.classes.contains($0.class) }
    }

    /// Endpoint names in a group, recursively; an endpoint name gives itself.
    func members(of name: String, seen: Set<String> = []) -> Set<String> {
        if plan.endpoints[name] != nil { return [name] }
        guard let group = plan.groups[name], !seen.contains(name) else { return [] }
        return group.members.reduce(into: Set<String>()) { $0.formUnion(members(of: $1.name, seen: seen.union([name]))) }
    }
}
