import Foundation
import OperatorInput

extension DialPlanValidator {
    mutating func checkRoutes() {
        let routeNames = plan.routes.map(\.name)
        for route in plan.routes {
            for reference in route.caller.endpoints where plan.endpoints[reference.name] == nil && plan.groups[reference.name] == nil {
                unknown(reference, kind: "endpoint or group", among: ringableNames)
            }
            for reference in route.caller.trunks where plan.trunks[reference.name] == nil {
                unknown(reference, kind: "trunk", among: Array(plan.trunks.keys))
            }
            if route.caller.endpoints.isEmpty, route.caller.trunks.isEmpty, !route.caller.classes.isEmpty,
               !route.caller.classes.contains(where: { plan.declared.contains("class:\($0.rawValue)") }) {
                let classes = route.caller.classes.map(\.rawValue).joined(separator: ", ")
                report(route.position, "route '\(route.name)' can never match: no endpoint has class \(classes)",
                       fix: "add an endpoint of that class, or change `from_class`")
            }
            checkDIDs(of: route)
            if !route.doorActions.isEmpty, doorCallers(route.caller).isEmpty, let first = route.doorActions.first {
                report(first.position, "route '\(route.name)' has door actions but no door calls through it",
                       fix: "match door callers with `from: DOOR` or `from_class: door`, or remove on_dtmf_from_callee")
            }
            checkTargets(of: route, routeNames: routeNames)
        }
    }

    /// A route only for trunks that accept nothing but their DIDs, to numbers that are none of them.
    private mutating func checkDIDs(of route: Route) {
        let trunks = route.caller.trunks.compactMap { plan.trunks[$0.name] }
        guard route.caller.endpoints.isEmpty, route.caller.classes.isEmpty, !trunks.isEmpty,
              trunks.count == route.caller.trunks.count, trunks.allSatisfy({ !$0.dids.isEmpty }) else { return }
        var numbers: [String] = []
        for match in route.called {
            guard case .exact(let number) = match else { return }
            numbers.append(number)
        }
        guard !numbers.isEmpty else { return }
        let accepted = numbers.contains { number in
            trunks.contains { $0.dids.contains(number) || $0.dids.contains($0.numbers.toE164(number)) }
        }
        if !accepted {
            let names = trunks.map(\.name).joined(separator: ", ")
            report(route.position, "route '\(route.name)' can never match: trunk \(names) only accepts calls to its DIDs, and \(numbers.joined(separator: ", ")) is not one",
                   fix: "add the number to the trunk's `dids`, or correct `to`")
        }
    }

    private mutating func checkTargets(of route: Route, routeNames: [String]) {
        let targets = route.targets
        let captures = route.called.map(Self.captureCount).max() ?? 0
        for (index, target) in targets.enumerated() {
            switch target.kind {
            case .ring(let references, _):
                for reference in references where plan.endpoints[reference.name] == nil && plan.groups[reference.name] == nil {
                    unknown(reference, kind: "endpoint or group", among: ringableNames)
                }
            case .trunk(let reference):
                if plan.trunks[reference.name] == nil { unknown(reference, kind: "trunk", among: Array(plan.trunks.keys)) }
                let named = route.caller.endpoints.reduce(into: Set<String>()) { $0.formUnion(members(of: $1.name)) }
                let refused = Set(route.caller.classes + named.compactMap { plan.endpoints[$0]?.class })
                    .filter { !plan.policy.trunkClasses.contains($0) }.sorted()
                if !refused.isEmpty {
                    report(target.position, "policy does not let class \(refused.map(\.rawValue).joined(separator: ", ")) reach trunks",
                           fix: "add the class to `policy.trunk_classes`, or remove this target")
                }
                if !route.caller.trunks.isEmpty {
                    report(target.position, "route '\(route.name)' sends calls from a trunk back out to a trunk",
                           fix: "make sure this is meant: trunk-to-trunk calls are the usual toll-fraud path", severity: .warning)
                }
                // Issue 10: a trunk without dids may only call our own numbers, never out again.
                let undialled = route.caller.trunks.map(\.name).filter { plan.trunks[$0]?.dids.isEmpty == true }
                if !undialled.isEmpty {
                    report(target.position, "calls from trunk \(undialled.joined(separator: ", ")) never go out to a trunk: it lists no dids",
                           fix: "add `dids:` with the numbers it may forward, or remove this target", severity: .warning)
                }
            case .route(let reference):
                if !routeNames.contains(reference.name) { unknown(reference, kind: "route", among: routeNames) }
            case .reject:
                if index + 1 < targets.count {
                    report(targets[index + 1].position, "this target is never tried: the one before it rejects the call",
                           fix: "move the `reject` to the end, or remove the targets after it")
                }
            }
            if let number = target.number, highestTemplateCapture(number) > captures {
                report(target.position, "'number' uses $\(highestTemplateCapture(number)) but the route's `to` has \(captures) capture(s)",
                       fix: "add a capture group `( … )` to the pattern, or use $0 for the whole number")
            }
        }
        if let last = targets.last, let nextOn = last.nextOn, !nextOn.isEmpty {
            let outcomes = nextOn.map(\.description).joined(separator: ", ")
            report(last.position, "route '\(route.name)' has no final fallback: its last target moves on (\(outcomes)) to nothing",
                   fix: "add a target after it (a trunk, a group, or `- reject: 480`), or remove next_on")
        }
    }

    /// `$0` always exists; a prefix gives `$1` (the rest); a pattern gives its groups.
    static func captureCount(_ match: NumberMatch) -> Int {
        switch match {
        case .exact: 0
        case .prefix: 1
        case .pattern(_, let expression): expression.numberOfCaptureGroups
        }
    }

    mutating func checkRouteLoops() {
        let byName = Dictionary(plan.routes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for route in plan.routes {
            var path = [route.name]
            var current = route
            while let next = current.targets.lazy.compactMap({ target -> String? in
                if case .route(let reference) = target.kind { return reference.name }
                return nil
            }).first, let nextRoute = byName[next] {
                if next == route.name {
                    report(route.position, "failover loop: \((path + [next]).joined(separator: " → "))",
                           fix: "end one of these routes with a trunk or `- reject: 480` instead of `route:`")
                    break
                }
                if path.contains(next) { break }
                path.append(next)
                current = nextRoute
            }
        }
    }

    /// A route's caller condition, resolved once: names with group members expanded.
    struct CallerSets {
        var endpoints: Set<String>
        var trunks: Set<String>
        var classes: Set<Endpoint.Class>
    }

    func callerSets(_ match: CallerMatch) -> CallerSets {
        CallerSets(endpoints: match.endpoints.reduce(into: Set<String>()) { $0.formUnion(members(of: $1.name)) },
                   trunks: Set(match.trunks.map(\.name)), classes: Set(match.classes))
    }

    mutating func checkShadowedRoutes() {
        let sets = plan.routes.map { callerSets($0.caller) }
        for (index, route) in plan.routes.enumerated() {
            // Only routes that match this route's first number can cover an all-exact route.
            var candidates = Array(0..<index)
            if case .exact(let first)? = route.called.first,
               route.called.allSatisfy({ if case .exact = $0 { return true } else { return false } }) {
                candidates = plan.routeIndex.candidates(coveringExact: first, below: index)
            }
            for earlierIndex in candidates where covers(plan.routes[earlierIndex], sets[earlierIndex], route, sets[index]) {
                let earlier = plan.routes[earlierIndex]
                report(route.position, "route '\(route.name)' is never used: route '\(earlier.name)' (line \(earlier.position.line)) matches every call it would",
                       fix: "move '\(route.name)' above '\(earlier.name)', or narrow '\(earlier.name)'")
                break
            }
        }
    }

    /// True when `first` matches every call `second` matches (conservative: false when unsure).
    func covers(_ first: Route, _ firstSets: CallerSets, _ second: Route, _ secondSets: CallerSets) -> Bool {
        guard first.windows.isEmpty else { return false }
        // Numbers first: the cheap test that rules out almost every pair.
        if !first.called.isEmpty {
            if second.called.isEmpty { return false }
            guard second.called.allSatisfy({ mine in first.called.contains { mine.isCovered(by: $0) } }) else { return false }
        }
        let a = first.caller, b = second.caller
        if !a.networks.isEmpty {
            guard !b.networks.isEmpty, b.networks.allSatisfy({ network in a.networks.contains { $0.contains(network) } }) else { return false }
        }
        guard a.hasIdentity else { return true }
        guard b.hasIdentity else { return false }
        func covered(_ name: String) -> Bool {
            firstSets.endpoints.contains(name) || plan.endpoints[name].map { firstSets.classes.contains($0.class) } == true
        }
        // Endpoints (and group members) named by `second` must each be named, or of a class named, by `first`.
        return secondSets.endpoints.allSatisfy(covered)
            && secondSets.classes.isSubset(of: firstSets.classes)
            && secondSets.trunks.isSubset(of: firstSets.trunks)
    }

    mutating func checkDoorSafety() {
        if let classes = plan.policy.allow[.international], classes.contains(.door) {
            report(plan.policy.position, "policy lets doors call international numbers",
                   fix: "remove door from `policy.allow.international`: a door has no reason to dial abroad")
        }
        if let classes = plan.policy.allow[.premium], classes.contains(.door) {
            report(plan.policy.position, "policy lets doors call premium numbers",
                   fix: "remove door from `policy.allow.premium`: a door has no reason to dial premium-rate numbers")
        }
        for route in plan.routes {
            let doors = doorCallers(route.caller)
            guard !doors.isEmpty else { continue }
            for category in [DestinationCategory.international, .premium] where route.allow.contains(category) {
                report(route.position, "route '\(route.name)' lets door \(doors.map(\.name).joined(separator: ", ")) reach \(category.rawValue) numbers",
                       fix: "remove `\(category.rawValue)` from this route's `allow`, or stop matching doors here")
            }
            guard let giveUp = doors.compactMap(\.giveUp).min(),
                  let door = doors.first(where: { $0.giveUp == giveUp }) else { continue }
            let targets = route.targets
            var elapsed = Duration.zero
            for (index, target) in targets.enumerated() {
                if index > 0, index == targets.count - 1, elapsed >= giveUp {
                    report(target.position, "this fallback starts after \(formatDuration(elapsed)), but door '\(door.name)' gives up after \(formatDuration(giveUp))",
                           fix: "shorten the earlier timeouts so the fallback starts well before \(formatDuration(giveUp))")
                }
                guard case .ring = target.kind else { continue }
                let timeout = target.timeout ?? Target.defaultTimeout
                if timeout >= giveUp {
                    report(target.position, "ring timeout \(formatDuration(timeout)) is not shorter than door '\(door.name)' gives up (\(formatDuration(giveUp)))",
                           fix: "set `timeout:` well below \(formatDuration(giveUp)), e.g. 20s")
                }
                elapsed += timeout
            }
        }
    }
}
