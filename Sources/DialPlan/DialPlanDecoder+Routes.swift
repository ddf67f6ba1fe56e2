import OperatorInput
import Yams

extension DialPlanDecoder {
    mutating func decodeRoute(_ node: Node) -> Route? {
        guard let map = object(node, DialPlanSchema.route, what: "a route") else { return nil }
        let name = reader.string(map["name"], key: "name") ?? "line \(reader.position(of: node).line)"
        var caller = CallerMatch()
        if let node = map["from"] { caller.endpoints = references(node, key: "from") }
        if let node = map["from_class"] {
            caller.classes = reader.scalarList(node, key: "from_class").compactMap {
                reader.enumeration($0, key: "from_class", Endpoint.Class.self)
            }
        }
        if let node = map["from_trunk"] { caller.trunks = references(node, key: "from_trunk") }
        if let node = map["from_network"] { caller.networks = networks(node, key: "from_network") }
        let called = map["to"].map { numberMatches($0) } ?? []
        let windows = map["when"].map { timeWindows($0) } ?? []
        let allow = map["allow"].map { node in
            Set(reader.scalarList(node, key: "allow").compactMap { reader.enumeration($0, key: "allow", DestinationCategory.self) })
        } ?? []
        var doorActions: [DoorAction] = []
        if let node = map["on_dtmf_from_callee"], let actions = reader.mapping(node, what: "on_dtmf_from_callee") {
            for (key, value) in actions {
                guard let digits = dialString(key, key: "on_dtmf_from_callee") else { continue }
                if let effect = reader.enumeration(value, key: "action", DoorAction.Effect.self) {
                    doorActions.append(DoorAction(digits: digits, effect: effect, position: reader.position(of: key)))
                }
            }
        }
        let action: Route.Action
        switch (map["try"], map["reject"]) {
        case let (targets?, nil):
            guard let items = reader.sequence(targets, what: "try") else { return nil }
            if items.isEmpty { reader.error(at: targets, "route '\(name)' has an empty `try`", fix: "list at least one target") }
            action = .targets(items.compactMap { decodeTarget($0, route: name) })
        case let (nil, reject?):
            guard let (status, reason) = rejection(reject) else { return nil }
            action = .reject(status: status, reason: reason)
        case (_?, _?):
            reader.error(at: node, "route '\(name)' has both `try` and `reject`",
                         fix: "keep `try` and end it with `- reject: STATUS`, or keep only `reject`")
            return nil
        case (nil, nil):
            reader.error(at: node, "route '\(name)' says neither what to try nor how to reject",
                         fix: "add `try:` with targets, or `reject: 403`")
            return nil
        }
        return Route(name: name, position: reader.position(of: node), caller: caller, called: called,
                     windows: windows, action: action, allow: allow, doorActions: doorActions)
    }

    /// `"101"`, `"^0([1-9]…)$"`, `{ prefix: "00" }`, or a list of those.
    mutating func numberMatches(_ node: Node) -> [NumberMatch] {
        let items = node.sequence.map(Array.init) ?? [node]
        return items.compactMap { item -> NumberMatch? in
            if let map = item.mapping {
                reader.rejectUnknownKeys(map, known: DialPlanSchema.numberMatch.keys)
                guard map.count == 1, let (key, value) = map.first, let kind = key.string else {
                    reader.error(at: item, "a number condition names exactly one of exact, prefix, pattern",
                                 fix: "write `{ prefix: \"00\" }`")
                    return nil
                }
                switch kind {
                case "exact": return dialString(value, key: "exact").map(NumberMatch.exact)
                case "prefix": return dialString(value, key: "prefix").map(NumberMatch.prefix)
                case "pattern": return reader.string(value, key: "pattern").flatMap { pattern($0, at: value) }
                default: return nil
                }
            }
            guard let text = reader.string(item, key: "to") else { return nil }
            if text.hasPrefix("^") { return pattern(text, at: item) }
            return dialString(item, key: "to").map(NumberMatch.exact)
        }
    }

    mutating func pattern(_ text: String, at node: Node) -> NumberMatch? {
        switch NumberMatch.compile(text) {
        case .success(let match): return match
        case .failure(let error):
            reader.error(at: node, "the pattern '\(text)' does not compile: \(error.reason)",
                         fix: "check brackets and escapes; for a plain prefix write `{ prefix: \"…\" }`")
            return nil
        }
    }

    mutating func timeWindows(_ node: Node) -> [TimeWindow] {
        let items = node.sequence.map(Array.init) ?? [node]
        return items.compactMap { item in
            guard let map = object(item, DialPlanSchema.window, what: "a time window") else { return nil }
            var days = Set(TimeWindow.Day.allCases)
            var dayText = "every day"
            if let node = map["days"], let text = reader.string(node, key: "days") {
                if let parsed = TimeWindow.parseDays(text) { days = parsed; dayText = text } else {
                    reader.error(at: node, "cannot read the days '\(text)'", fix: "write days like mon-fri or sat,sun")
                }
            }
            var span = (0, 24 * 60)
            var timeText = "all day"
            if let node = map["time"], let text = reader.string(node, key: "time") {
                if let parsed = TimeWindow.parseTimes(text) { span = parsed; timeText = text } else {
                    reader.error(at: node, "cannot read the time span '\(text)'", fix: "write it like 08:00-17:00")
                }
            }
            return TimeWindow(days: days, start: span.0, end: span.1, text: "\(dayText) \(timeText)")
        }
    }

    /// `reject: 486` or `reject: { status: 403, reason: "Forbidden" }`.
    mutating func rejection(_ node: Node) -> (Int, String?)? {
        if node.scalar != nil {
            return reader.integer(node, key: "reject", range: 400...699).map { ($0, nil) }
        }
        guard let map = object(node, DialPlanSchema.reject, what: "reject") else { return nil }
        guard let status = reader.integer(map["status"], key: "status", range: 400...699) else { return nil }
        return (status, reader.string(map["reason"], key: "reason"))
    }

    mutating func decodeTarget(_ node: Node, route: String) -> Target? {
        guard let map = object(node, DialPlanSchema.target, what: "a target") else { return nil }
        let kinds = ["ring", "trunk", "route", "reject"].filter { map[$0] != nil }
        guard kinds.count == 1 else {
            reader.error(at: node, kinds.isEmpty ? "a target of route '\(route)' says nothing to do"
                                                 : "a target of route '\(route)' has \(kinds.joined(separator: " and "))",
                         fix: "give each `- ` target exactly one of ring, trunk, route, reject")
            return nil
        }
        let kind: Target.Kind
        switch kinds[0] {
        case "ring":
            let strategy = reader.enumeration(map["strategy"], key: "strategy", RingStrategy.self) ?? .parallel
            kind = .ring(map["ring"].map { references($0, key: "ring") } ?? [], strategy)
        case "trunk":
            guard let reference = map["trunk"].flatMap({ references($0, key: "trunk").first }) else { return nil }
            kind = .trunk(reference)
        case "route":
            guard let reference = map["route"].flatMap({ references($0, key: "route").first }) else { return nil }
            kind = .route(reference)
        default:
            guard let node = map["reject"], let (status, reason) = rejection(node) else { return nil }
            kind = .reject(status: status, reason: reason)
        }
        if map["strategy"] != nil, case .ring = kind {} else if let strategy = map["strategy"] {
            reader.error(at: strategy, "'strategy' only applies to `ring` targets", fix: "remove it")
        }
        var nextOn: [Outcome]?
        if let node = map["next_on"], let items = reader.sequence(node, what: "next_on") {
            nextOn = items.compactMap { item in
                guard let text = reader.string(item, key: "next_on") else { return nil }
                if let outcome = Outcome(text), outcome != .answered { return outcome }
                reader.error(at: item, "'\(text)' is not an outcome",
                             fix: NodeReader.suggestion(for: text, among: Outcome.vocabulary, what: "outcomes"))
                return nil
            }
        }
        var rewrite: Rewrite?
        if let node = map["rewrite"], let rule = object(node, DialPlanSchema.rewrite, what: "rewrite") {
            rewrite = Rewrite(strip: reader.integer(rule["strip"], key: "strip", range: 0...32) ?? 0,
                              prepend: rule["prepend"].flatMap { dialString($0, key: "prepend") } ?? "")
        }
        let number = reader.string(map["number"], key: "number")
        if let node = map["number"], let number, !number.allSatisfy({ $0.isASCII && ($0.isNumber || "+*#$".contains($0)) }) {
            reader.error(at: node, "'number' may hold digits, +, *, # and $0…$9, not '\(number)'",
                         fix: "write a number such as +46701234567, or a template such as +46$1")
        }
        return Target(kind: kind,
                      timeout: reader.duration(map["timeout"], key: "timeout", range: .seconds(1)...Duration.seconds(3600)),
                      nextOn: nextOn, number: number, rewrite: rewrite,
                      diversion: dialString(map["diversion"], key: "diversion"),
                      identity: map["identity"].flatMap { decodeIdentity($0, what: "identity") },
                      position: reader.position(of: node))
    }
}
