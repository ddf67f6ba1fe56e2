import Foundation

/// One evaluation of the routing function; collects attempts and, when explaining, the trace.
struct RoutingRun {
    let plan: DialPlan
    let call: CallRequest
    let state: NetworkState
    let recorder: Recorder?
    let endpoint: Endpoint?
    var decision: RoutingDecision

    init(plan: DialPlan, call: CallRequest, state: NetworkState, explain: Bool) {
        self.plan = plan
        self.call = call
        self.state = state
        recorder = explain ? Recorder() : nil
        var callerName = "unknown caller"
        var callerClass: String?
        var callerLeg: Leg?
        var endpoint: Endpoint?
        switch call.caller {
        case .endpoint(let name):
            callerName = name
            endpoint = plan.endpoints[name]
            if let endpoint {
                callerClass = endpoint.class.rawValue
                callerLeg = Leg(target: name, kind: .endpoint, number: endpoint.number, media: endpoint.media)
            }
        case .trunk(let name):
            callerName = name
            callerClass = "trunk"
            if let trunk = plan.trunks[name] {
                callerLeg = Leg(target: name, kind: .trunk, number: call.callerNumber ?? "", media: trunk.media)
            }
        case .unknown:
            break
        }
        self.endpoint = endpoint
        decision = RoutingDecision(file: plan.file, caller: callerName, callerClass: callerClass, calledNumber: call.calledNumber,
                                   route: nil, callerLeg: callerLeg, attempts: [],
                                   final: FinalDisposition(kind: .reject, status: 404, reason: "Not Found", line: nil),
                                   doorActions: [], policyChecks: [], trace: [])
    }

    /// Trace and policy checks go here, apart from `decision`, so building their text (only when
    /// explaining) never overlaps with changes to the decision.
    final class Recorder {
        var trace: [TraceStep] = []
        var checks: [PolicyCheck] = []
    }

    func note(_ line: Int?, _ text: @autoclosure () -> String) {
        recorder?.trace.append(TraceStep(line: line, text: text()))
    }

    func check(_ passed: Bool, _ line: Int?, _ text: @autoclosure () -> String) {
        recorder?.checks.append(PolicyCheck(check: text(), passed: passed, line: line))
    }

    mutating func decide() -> RoutingDecision {
        decideWithoutTrace()
        if let recorder {
            decision.trace = recorder.trace
            decision.policyChecks = recorder.checks
        }
        return decision
    }

    private mutating func decideWithoutTrace() {
        if case .endpoint(let name) = call.caller, endpoint == nil {
            note(nil, "caller \(name) is not an endpoint of this plan: treated as unauthenticated")
        }
        if let endpoint, state.activeCalls[endpoint.name, default: 0] >= endpoint.callLimit {
            check(false, endpoint.position.line, "\(endpoint.name) has \(endpoint.callLimit) calls, its limit")
            decision.final = FinalDisposition(kind: .reject, status: 486, reason: "Busy Here", line: endpoint.position.line)
            note(endpoint.position.line, "rejected 486: the caller is at its call limit")
            return
        }
        if case .trunk(let name) = call.caller, let trunk = plan.trunks[name], !trunk.dids.isEmpty {
            let e164 = trunk.numbers.toE164(call.calledNumber)
            let ours = trunk.dids.contains(call.calledNumber) || trunk.dids.contains(e164)
            check(ours, trunk.position.line, "\(call.calledNumber) is \(ours ? "" : "not ")one of trunk \(name)'s DIDs")
            if !ours {
                decision.final = FinalDisposition(kind: .reject, status: 404, reason: "Not Found", line: trunk.position.line)
                note(trunk.position.line, "rejected 404: calls from trunk \(name) may only reach its DIDs")
                return
            }
        }
        // Explaining lists every rule; routing only looks at the routes that can match the number.
        let indices = recorder == nil ? plan.routeIndex.candidates(for: call.calledNumber) : Array(plan.routes.indices)
        for index in indices {
            let route = plan.routes[index]
            guard let captures = matches(route) else { continue }
            decision.route = RouteReference(name: route.name, line: route.position.line)
            switch route.action {
            case .reject(let status, let reason):
                decision.final = FinalDisposition(kind: .reject, status: status, reason: reason ?? Self.reasonPhrase(status),
                                                  line: route.position.line)
                note(route.position.line, "rejected \(status) by route \"\(route.name)\"")
            case .targets(let targets):
                var visited: Set<String> = [route.name]
                expand(targets, of: route, captures: captures, visited: &visited)
                planDoorActions(route)
            }
            return
        }
        note(nil, "no route matches: rejected 404")
    }

    /// The captures when `route` matches this call, else nil (with the reason in the trace).
    mutating func matches(_ route: Route) -> [String]? {
        let line = route.position.line
        guard route.caller.matches(caller: call.caller, endpoint: endpoint, source: call.source, plan: plan) else {
            note(line, "route \"\(route.name)\": no, \(route.caller.mismatch(caller: call.caller, source: call.source))")
            return nil
        }
        let number = call.calledNumber
        var captures = [number]
        if !route.called.isEmpty {
            var found: [String]?
            for condition in route.called where found == nil { found = condition.match(number) }
            guard let found else {
                note(line, "route \"\(route.name)\": no, \(call.calledNumber) is not \(route.called.map(\.summary).joined(separator: " or "))")
                return nil
            }
            captures = found
        }
        if !route.windows.isEmpty, !route.windows.contains(where: { $0.contains(call.time, in: plan.timeZone) }) {
            note(line, "route \"\(route.name)\": no, outside \(route.windows.map(\.text).joined(separator: " or "))")
            return nil
        }
        if recorder != nil {
            var why: [String] = []
            why.append(route.caller.isAny ? "any caller" : "caller \(decision.caller)")
            why.append(route.called.isEmpty ? "any number" : "number \(call.calledNumber)")
            if !route.windows.isEmpty { why.append("within \(route.windows.map(\.text).joined(separator: " or "))") }
            note(line, "route \"\(route.name)\": matches (\(why.joined(separator: ", ")))")
        }
        return captures
    }

    static func reasonPhrase(_ status: Int) -> String {
        let phrases = [403: "Forbidden", 404: "Not Found", 480: "Temporarily Unavailable", 486: "Busy Here",
                       503: "Service Unavailable", 603: "Decline", 408: "Request Timeout", 484: "Address Incomplete"]
        return phrases[status] ?? "Rejected"
    }
}
