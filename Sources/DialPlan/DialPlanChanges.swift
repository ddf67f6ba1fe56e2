/// What changed between two plan versions, by named part: `route:door to resident`, `endpoint:alice`.
public struct DialPlanChanges: Sendable, Equatable {
    public var added: [String]
    public var removed: [String]
    public var modified: [String]

    public init(added: [String] = [], removed: [String] = [], modified: [String] = []) {
        self.added = added
        self.removed = removed
        self.modified = modified
    }

    /// True when no named part changed.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && modified.isEmpty }

    /// Compares the canonical text of every named part, so moving a route down or editing a
    /// comment changes no part (only its position), while changing a timeout modifies the route.
    public static func between(_ old: DialPlan, _ new: DialPlan) -> DialPlanChanges {
        let before = old.fingerprints, after = new.fingerprints
        return DialPlanChanges(
            added: after.keys.filter { before[$0] == nil }.sorted(),
            removed: before.keys.filter { after[$0] == nil }.sorted(),
            modified: after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted())
    }

    /// One log line: `routes added: "night"; modified: "door to resident"; endpoints removed: "bob"`.
    public var summary: String {
        if isEmpty { return "no route, endpoint, trunk, group or policy changed" }
        var parts: [String] = []
        for kind in ["route", "endpoint", "trunk", "group", "policy"] {
            var pieces: [String] = []
            for (verb, names) in [("added", added), ("removed", removed), ("modified", modified)] {
                let matching = names.filter { $0.hasPrefix(kind + ":") }.map { "\"\($0.dropFirst(kind.count + 1))\"" }
                if !matching.isEmpty { pieces.append("\(verb) \(matching.joined(separator: ", "))") }
            }
            if !pieces.isEmpty { parts.append("\(kind == "policy" ? "policy" : kind + "s") \(pieces.joined(separator: ", "))") }
        }
        return parts.joined(separator: "; ")
    }
}
