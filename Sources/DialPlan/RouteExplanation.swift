import Foundation

/// A routing decision played out against simulated outcomes: what `gatehouse route explain` prints.
public struct RouteExplanation: Sendable, Codable {
    /// What happened to one attempt in the simulation.
    public struct Step: Sendable, Codable, Equatable {
        public var attempt: Int
        public var outcome: Outcome
        /// Where the outcome came from: `simulated`, `default`.
        public var source: String
        public var movedOn: Bool
        public var answeredBy: String?

        enum CodingKeys: String, CodingKey { case attempt, outcome, source, movedOn = "moved_on", answeredBy = "answered_by" }
    }

    public var time: String
    public var decision: RoutingDecision
    public var steps: [Step]
    public var answeredBy: String?
    /// 200 when answered, else the status the caller gets.
    public var finalStatus: Int
    public var result: String

    enum CodingKeys: String, CodingKey {
        case time, decision, steps, answeredBy = "answered_by", finalStatus = "final_status", result
    }
}

extension DialPlan {
    /// Routes `call` with the trace on, then plays the attempts against `outcomes` (by endpoint or
    /// trunk name; anything not listed answers).
    public func explain(_ call: CallRequest, state: NetworkState = NetworkState(),
                        outcomes: [String: Outcome] = [:]) -> RouteExplanation {
        let decision = route(call, state: state, explain: true)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm EEE"
        let time = "\(formatter.string(from: call.time)) \(timeZone.identifier)"
        var steps: [RouteExplanation.Step] = []
        for (index, attempt) in decision.attempts.enumerated() {
            let results = attempt.legs.map { leg in (leg.target, outcomes[leg.target]) }
            if let answering = results.first(where: { $0.1 == nil || $0.1 == .answered }) {
                steps.append(.init(attempt: index + 1, outcome: .answered,
                                   source: answering.1 == nil ? "default" : "simulated", movedOn: false, answeredBy: answering.0))
                return RouteExplanation(time: time, decision: decision, steps: steps, answeredBy: answering.0,
                                        finalStatus: 200, result: "answered by \(answering.0) (attempt \(index + 1))")
            }
            let outcome = results.first?.1 ?? .noAnswer
            let isLast = index == decision.attempts.count - 1
            let movesOn = !isLast && attempt.nextOn.contains { $0.covers(outcome) }
            steps.append(.init(attempt: index + 1, outcome: outcome, source: "simulated", movedOn: movesOn, answeredBy: nil))
            if !movesOn {
                if isLast, decision.final.kind == .reject {
                    return failed(time, decision, steps, decision.final.status,
                                  "\(decision.final.status) \(decision.final.reason) after the last attempt")
                }
                let why = isLast ? "the last attempt" : "\(outcome) is not in next_on of attempt \(index + 1)"
                return failed(time, decision, steps, outcome.finalStatus, "\(outcome.finalStatus) passed on: \(outcome) on \(why)")
            }
        }
        let final = decision.final
        return failed(time, decision, steps, final.status, "rejected \(final.status) \(final.reason)")
    }

    private func failed(_ time: String, _ decision: RoutingDecision, _ steps: [RouteExplanation.Step],
                        _ status: Int, _ result: String) -> RouteExplanation {
        RouteExplanation(time: time, decision: decision, steps: steps, answeredBy: nil, finalStatus: status, result: result)
    }
}
