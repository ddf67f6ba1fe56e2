import DialPlan
import Foundation
import SDP
import SIPCore

extension CallStateMachine {
    /// Rings every leg of attempt `index`: each contact of an endpoint, or the trunk. An
    /// endpoint without contacts is `offline`; an attempt with no leg left fails at once.
    mutating func startAttempt(_ index: Int, at now: Date) -> [CallAction] {
        state = .routing(attempt: index)
        let attempt = decision.attempts[index]
        var actions: [CallAction] = []
        var created = 0
        for target in attempt.legs {
            let profile = SDPMediaProfile(leg: target.media, name: target.target)
            var destinations: [String?] = [nil]
            if target.kind == .endpoint {
                let found = contacts[target.target] ?? []
                guard !found.isEmpty else {
                    records.append(.init(target: target.target, contact: nil, attempt: index, outcome: "offline",
                                         status: nil, started: now, ended: now))
                    continue
                }
                destinations = found
            }
            for contact in destinations {
                let id = CallLegID(nextLeg)
                nextLeg += 1
                let request = OutboundLegRequest(id: id, attempt: index, target: target, contact: contact,
                                                 identity: attempt.identity, offer: offer(for: profile))
                records.append(.init(target: target.target, contact: contact, attempt: index, outcome: "pending",
                                     status: nil, started: now, ended: nil))
                legs[id] = OutboundLeg(request: request, profile: profile, phase: .trying, record: records.count - 1)
                actions.append(.createOutboundLeg(request))
                created += 1
            }
        }
        guard created > 0 else {
            failures.append(Failure(attempt: index, status: 480, reason: Q850Cause.reason(forStatus: 480),
                                    outcome: .offline, fromLeg: false))
            return actions + attemptFailed(index, outcome: .offline, at: now)
        }
        actions.append(.startTimer(.ring(attempt: index), after: attempt.timeout))
        return actions
    }

    /// An attempt is over without an answer: the next one starts when `next_on` covers the
    /// outcome, else the caller gets the final response. A 408 or 480 response also counts as
    /// `no_answer` (the callee was rung and nobody took it; ``Outcome/covers(_:)`` maps the
    /// other way).
    mutating func attemptFailed(_ index: Int, outcome: Outcome, at now: Date) -> [CallAction] {
        var outcomes = [outcome]
        if case .status(let code) = outcome, code == 408 || code == 480 { outcomes.append(.noAnswer) }
        let covered = decision.attempts[index].nextOn.contains { entry in outcomes.contains { entry.covers($0) } }
        if covered, index + 1 < decision.attempts.count {
            return startAttempt(index + 1, at: now)
        }
        exhausted = covered
        return finishFailed(at: now)
    }

    /// When no leg of the current attempt is still ringing, the attempt fails with the outcome
    /// of its best response.
    mutating func attemptSettled(_ index: Int, at now: Date) -> [CallAction] {
        guard !legs.values.contains(where: { $0.request.attempt == index && $0.isLive }) else { return [] }
        let best = Self.selectResponse(failures.filter { $0.attempt == index })
        if best?.alerted == true {
            return [.stopTimer(.ring(attempt: index))] + finishFailed(at: now)
        }
        return [.stopTimer(.ring(attempt: index))] + attemptFailed(index, outcome: best?.outcome ?? .noAnswer, at: now)
    }

    /// Every attempt failed: the route's reject when the routing ran out, else the best response.
    mutating func finishFailed(at now: Date) -> [CallAction] {
        var status: Int
        var reason: Reason
        var party = CallRecord.Party.gateway
        if decision.final.kind == .reject, failures.isEmpty || exhausted {
            status = decision.final.status
            reason = Q850Cause.reason(forStatus: status)
        } else if let best = Self.selectResponse(failures) {
            // RFC 3261 §16.7 step 6: a 503 is not passed on (it would mean *we* are unavailable).
            status = best.status == 503 ? 500 : best.status
            reason = best.reason.flatMap { $0.isQ850 && $0.cause != nil ? $0 : nil }
                ?? Q850Cause.reason(forStatus: best.status)
            if best.fromLeg { party = .callee }
        } else {
            status = decision.final.status
            reason = Q850Cause.reason(forStatus: status)
        }
        return [.sendResponseToCaller(status: status, sdp: nil, reason: reason)]
            + end(by: party, status: status, cause: reason.cause ?? Q850Cause.normalUnspecified, at: now)
    }

    /// RFC 3261 §16.7 step 6: any 6xx first; else the lowest class; among 4xx the ones the
    /// caller can act on (401, 407, 415, 420, 484), then the others, with 408/480 (nobody
    /// answered) last as the least informative. Ties go to the latest.
    static func selectResponse(_ candidates: [Failure]) -> Failure? {
        if let global = candidates.last(where: { $0.status >= 600 }) { return global }
        func rank(_ status: Int) -> (Int, Int) {
            let preference = switch status {
            case 401, 407, 415, 420, 484: 0
            case 408, 480: 2
            default: 1
            }
            return (status / 100, preference)
        }
        return candidates.reversed().min { rank($0.status) < rank($1.status) }
    }

    /// CANCELs the ringing legs (of one attempt, or all) with `reason`.
    mutating func cancelLive(attempt: Int?, reason: Reason, outcome: String) -> [CallAction] {
        var actions: [CallAction] = []
        for id in legs.keys.sorted() {
            guard let leg = legs[id], leg.isLive, attempt == nil || leg.request.attempt == attempt else { continue }
            legs[id]?.phase = .cancelling
            legs[id]?.cancelReason = reason
            records[leg.record].outcome = outcome
            actions.append(.cancelLeg(id, reason: reason))
        }
        return actions
    }
}
