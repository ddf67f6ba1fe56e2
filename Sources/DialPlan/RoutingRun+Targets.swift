import OperatorInput

extension RoutingRun {
    /// Turns a route's targets into attempts, skipping offline endpoints and down trunks where the
    /// target allows it, and dropping trunk legs that policy forbids.
    mutating func expand(_ targets: [Target], of route: Route, captures: [String], visited: inout Set<String>) {
        for (index, target) in targets.enumerated() {
            let isLast = index == targets.count - 1
            let nextOn = target.nextOn ?? Outcome.defaultNextOn
            let line = target.position.line
            switch target.kind {
            case .ring(let references, let strategy):
                if !ring(references, strategy: strategy, target: target, nextOn: nextOn, isLast: isLast) { return }
            case .trunk(let reference):
                guard let trunk = plan.trunks[reference.name] else { continue }
                if !sendToTrunk(trunk, target: target, route: route, captures: captures, nextOn: nextOn, isLast: isLast) { return }
            case .route(let reference):
                guard let next = plan.routes.first(where: { $0.name == reference.name }),
                      !visited.contains(next.name), visited.count < DialPlan.maximumRouteDepth else {
                    note(line, "route \(reference.name) already followed: stopped (failover loop)")
                    return
                }
                visited.insert(next.name)
                note(line, "continues with the targets of route \"\(next.name)\" (line \(next.position.line))")
                switch next.action {
                case .targets(let more): expand(more, of: route, captures: captures, visited: &visited)
                case .reject(let status, let reason): finish(status: status, reason: reason, line: next.position.line)
                }
                return
            case .reject(let status, let reason):
                finish(status: status, reason: reason, line: line)
                return
            }
        }
        decision.final = decision.attempts.isEmpty
            ? FinalDisposition(kind: .reject, status: 403, reason: "Forbidden", line: route.position.line)
            : FinalDisposition(kind: .relay, status: 480, reason: "the last attempt's failure is passed on", line: nil)
        if decision.attempts.isEmpty { note(route.position.line, "no target is left to try: rejected 403") }
    }

    mutating func finish(status: Int, reason: String?, line: Int) {
        decision.final = FinalDisposition(kind: .reject, status: status, reason: reason ?? Self.reasonPhrase(status), line: line)
        note(line, "then rejected \(status) \(reason ?? Self.reasonPhrase(status))")
    }

    /// Adds the attempts for a `ring` target. False when the call ends here.
    mutating func ring(_ references: [Reference], strategy: RingStrategy, target: Target, nextOn: [Outcome], isLast: Bool) -> Bool {
        var names: [String] = []
        var effective = strategy
        var memberTimeout: Duration?
        if references.count == 1, let group = plan.groups[references[0].name] {
            effective = group.strategy
            memberTimeout = group.memberTimeout
        }
        for reference in references {
            for name in plan.endpointNames(in: reference.name) where !names.contains(name) { names.append(name) }
        }
        let line = target.position.line
        var reachable: [Endpoint] = []
        var atLimit = false
        for name in names {
            guard let endpoint = plan.endpoints[name] else { continue }
            if case .endpoint(name) = call.caller {
                note(line, "\(name) is the caller: not rung")
            } else if state.offline.contains(name) {
                note(line, "\(name) is offline")
            } else if state.activeCalls[name, default: 0] >= endpoint.callLimit {
                note(line, "\(name) is at its call limit (\(endpoint.callLimit)): busy")
                atLimit = true
            } else {
                reachable.append(endpoint)
            }
        }
        guard !reachable.isEmpty else {
            // Busy when any member was only busy (at its limit), else offline.
            let outcome: Outcome = atLimit ? .busy : .offline
            if !isLast, nextOn.contains(where: { $0.covers(outcome) }) {
                note(line, "ring \(names.joined(separator: ", ")): nobody reachable, moves on (\(outcome) is in next_on)")
                return true
            }
            let reason = atLimit ? "Busy Here" : "Temporarily Unavailable"
            decision.final = FinalDisposition(kind: .reject, status: outcome.finalStatus, reason: reason, line: line)
            note(line, "ring \(names.joined(separator: ", ")): nobody reachable: rejected \(outcome.finalStatus)")
            return false
        }
        let timeout = target.timeout ?? Target.defaultTimeout
        func leg(_ endpoint: Endpoint) -> Leg {
            Leg(target: endpoint.name, kind: .endpoint, number: endpoint.name, media: endpoint.media)
        }
        if effective == .sequential {
            for endpoint in reachable {
                decision.attempts.append(Attempt(line: line, legs: [leg(endpoint)], strategy: .sequential,
                                                 timeoutMilliseconds: milliseconds(memberTimeout ?? timeout),
                                                 nextOn: nextOn + [Outcome.noAnswer, .offline].filter { !nextOn.contains($0) },
                                                 identity: nil, rewriting: nil))
            }
            // Within a sequential group every member but the last moves on when unanswered.
            if var last = decision.attempts.popLast() { last.nextOn = nextOn; decision.attempts.append(last) }
        } else {
            decision.attempts.append(Attempt(line: line, legs: reachable.map(leg), strategy: .parallel,
                                             timeoutMilliseconds: milliseconds(timeout), nextOn: nextOn,
                                             identity: nil, rewriting: nil))
        }
        return true
    }

    /// Adds the attempt for a `trunk` target after the policy checks. False when the call ends here.
    mutating func sendToTrunk(_ trunk: Trunk, target: Target, route: Route, captures: [String], nextOn: [Outcome],
                              isLast: Bool) -> Bool {
        let line = target.position.line
        var number = call.calledNumber
        var rewriting: [String] = []
        if let template = target.number {
            number = expandNumberTemplate(template, captures: captures)
            rewriting.append("number \(template)")
        }
        if let rewrite = target.rewrite {
            number = rewrite.apply(number)
            rewriting.append("strip \(rewrite.strip), prepend \"\(rewrite.prepend)\"")
        }
        let e164 = trunk.numbers.toE164(number)
        let sent = trunk.numbers.fromE164(e164)
        if sent != number { rewriting.append("\(trunk.numbers.style.rawValue) for \(trunk.name)") }
        guard allowed(trunk: trunk, e164: e164, route: route, line: line) else {
            note(line, "trunk \(trunk.name) to \(e164): refused by policy, target dropped")
            return true
        }
        let full = state.activeCalls[trunk.name, default: 0] >= trunk.callLimit
        if state.trunksDown.contains(trunk.name) || full {
            // A full trunk is treated like a 503 from it; a down one as trunk_down.
            let outcome: Outcome = full ? .status(503) : .trunkDown
            let why = full ? "is at its call limit (\(trunk.callLimit))" : "is down"
            if !isLast, nextOn.contains(where: { $0.covers(outcome) }) {
                note(line, "trunk \(trunk.name) \(why): moves on (\(outcome) is in next_on)")
                return true
            }
            decision.final = FinalDisposition(kind: .reject, status: 503, reason: "Service Unavailable", line: line)
            note(line, "trunk \(trunk.name) \(why): rejected 503")
            return false
        }
        let policy = target.identity ?? trunk.identity
        let from = policy.from ?? trunk.registration?.user
        var asserted: String?
        switch policy.asserted {
        case .caller: asserted = endpoint?.number ?? call.callerNumber
        case .trunk: asserted = from
        case .none: asserted = nil
        }
        let diversion = policy.diversion ? target.diversion : nil
        decision.attempts.append(Attempt(
            line: line, legs: [Leg(target: trunk.name, kind: .trunk, number: sent, media: trunk.media)],
            strategy: .parallel, timeoutMilliseconds: milliseconds(target.timeout ?? DialPlan.defaultTrunkTimeout),
            nextOn: nextOn, identity: LegIdentity(from: from, assertedIdentity: asserted, privacy: policy.privacy, diversion: diversion),
            rewriting: rewriting.isEmpty ? nil : "\(call.calledNumber) → \(sent) (\(rewriting.joined(separator: "; ")))"))
        return true
    }

    /// The policy checks for a trunk leg, each recorded.
    mutating func allowed(trunk: Trunk, e164: String, route: Route, line: Int) -> Bool {
        let policy = plan.policy
        guard let endpoint else {
            if case .trunk(let name) = call.caller {
                // Issue 10: an IP-authenticated trunk may only call our own numbers. A call from a
                // trunk reached a route only when the number is one of its DIDs (checked before
                // routing), so going out again is forwarding; a trunk without DIDs never goes out.
                let hasDIDs = !(plan.trunks[name]?.dids.isEmpty ?? true)
                check(hasDIDs, line, hasDIDs ? "caller is trunk \(name), the number is its DID: forwarded by route \"\(route.name)\""
                    : "caller is trunk \(name), which has no dids: it may not reach a trunk")
                guard hasDIDs else {
                    refuse("trunk \(name) has no dids: calls from it never go out to a trunk")
                    return false
                }
            } else {
                check(false, line, "unauthenticated callers never reach a trunk")
                refuse("unauthenticated callers never reach a trunk")
                return false
            }
            return categoriesAllowed(e164, classes: [], route: route, line: line)
        }
        let classAllowed = policy.trunkClasses.contains(endpoint.class)
        check(classAllowed, policy.position.line > 0 ? policy.position.line : nil,
              "class \(endpoint.class.rawValue) may reach trunks")
        guard classAllowed else {
            refuse("class \(endpoint.class.rawValue) may not reach trunks (policy.trunk_classes)")
            return false
        }
        return categoriesAllowed(e164, classes: [endpoint.class], route: route, line: line)
    }

    mutating func categoriesAllowed(_ e164: String, classes: Set<Endpoint.Class>, route: Route, line: Int) -> Bool {
        let policy = plan.policy
        var passed = true
        let categories = policy.categories(of: e164)
        for blocked in policy.blocked {
            switch blocked {
            case .category(let category):
                guard let hit = categories.first(where: { $0.0 == category }) else {
                    check(true, line, "\(e164) is not \(category.rawValue)")
                    continue
                }
                if route.allow.contains(category) {
                    check(true, route.position.line, "\(e164) is \(category.rawValue) (\(hit.1)), allowed by route \"\(route.name)\"")
                } else if let allowed = policy.allow[category], !allowed.isDisjoint(with: classes) {
                    check(true, policy.position.line, "\(e164) is \(category.rawValue) (\(hit.1)), allowed for the caller's class")
                } else {
                    check(false, line, "\(e164) is \(category.rawValue) (\(hit.1)): blocked")
                    refuse("\(e164) is \(category.rawValue) (\(hit.1)): blocked by policy")
                    passed = false
                }
            case .prefix(let prefix):
                let hit = e164.hasPrefix(prefix)
                check(!hit, policy.position.line, "\(e164) \(hit ? "starts" : "does not start") with blocked prefix \(prefix)")
                if hit {
                    refuse("\(e164) starts with \(prefix): blocked by policy")
                    passed = false
                }
            }
        }
        return passed
    }

    /// Keeps the first policy refusal for the reject's `Warning`.
    mutating func refuse(_ why: String) {
        if decision.refusal == nil { decision.refusal = why }
    }

    mutating func planDoorActions(_ route: Route) {
        guard let endpoint, endpoint.class == .door else { return }
        for action in route.doorActions {
            decision.doorActions.append(PlannedDoorAction(digits: action.digits, effect: action.effect, door: endpoint.name,
                                                          dtmf: endpoint.media.dtmf, line: action.position.line))
        }
    }
}
