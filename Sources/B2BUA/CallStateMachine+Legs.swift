import DialPlan
import Foundation
import SDP
import SIPCore

extension CallStateMachine {
    /// A provisional response on an outbound leg. 100 is hop-by-hop and ignored. The first 18x
    /// of the call is relayed; later ones without SDP are not (no double ringing after
    /// failover); a 18x with SDP is early media, relayed with our anchored answer (with our offer
    /// in a reliable 18x for a delayed-offer caller, CallStateMachine+EarlyOffer).
    public mutating func receiveProvisional(_ status: Int, sdp: SessionDescription?, from id: CallLegID,
                                            at now: Date) -> [CallAction] {
        guard (101..<200).contains(status), let leg = legs[id], leg.isLive,
              case .routing(let current) = state, leg.request.attempt == current else { return [] }
        legs[id]?.phase = .early
        // A delayed-offer caller gets our offer in a reliable 18x (CallStateMachine+EarlyOffer).
        if delayedOffer, let sdp { return earlyOfferProvisional(status, sdp: sdp, from: id) }
        if !delayedOffer, let sdp, let session = try? Negotiator(profile: leg.profile).negotiate(offer: leg.request.offer, answer: sdp),
           let anchored = anchor(callee: session, early: true) {
            legs[id]?.earlySession = session
            provisionalSent = true
            return [.sendResponseToCaller(status: status, sdp: anchored.0.description, reason: nil),
                    .updateMedia(anchored.1)]
        }
        guard !provisionalSent else { return [] }
        provisionalSent = true
        return [.sendResponseToCaller(status: status, sdp: nil, reason: nil)]
    }

    /// A final response on an outbound leg. A 2xx answers the call when the leg is still
    /// wanted, else it is ACKed and BYEd. A failure settles the leg; when the attempt has no
    /// leg left ringing it fails with its best response.
    public mutating func receiveFinal(_ status: Int, sdp: SessionDescription?, reason: Reason?, from id: CallLegID,
                                      at now: Date) -> [CallAction] {
        guard let leg = legs[id], leg.phase != .terminated, leg.phase != .answered, status >= 200 else { return [] }
        if leg.request.attempt > decision.attempts.count { return transferLegFinal(status, sdp: sdp, from: id, at: now) }
        if status < 300 { return receiveSuccess(status, sdp: sdp, leg: leg, id: id, at: now) }
        let wasLive = leg.isLive
        legs[id]?.phase = .terminated
        records[leg.record].ended = now
        records[leg.record].status = status
        guard wasLive else { return [] }
        records[leg.record].outcome = String(status)
        guard case .routing(let current) = state, leg.request.attempt == current else { return [] }
        let alerted = leg.phase == .early && leg.request.target.kind == .trunk
        failures.append(Failure(attempt: current, status: status, reason: reason, outcome: .status(status), fromLeg: true,
                                alerted: alerted))
        return attemptSettled(current, at: now)
    }

    /// An outbound leg got no response at all. For an endpoint this means its registration is
    /// stale: `offline`; for a trunk it is `transport`, `dns` or `trunk_down`.
    public mutating func receiveLegFailure(_ failure: LegFailure, from id: CallLegID, at now: Date) -> [CallAction] {
        guard let leg = legs[id], leg.phase != .terminated, leg.phase != .answered else { return [] }
        if leg.request.attempt > decision.attempts.count { return transferLegFailure(from: id, at: now) }
        let wasLive = leg.isLive
        legs[id]?.phase = .terminated
        records[leg.record].ended = now
        guard wasLive else { return [] }
        let outcome: Outcome
        let status: Int
        if leg.request.target.kind == .endpoint {
            (outcome, status) = (.offline, 480)
        } else {
            status = 503
            outcome = switch failure {
            case .transport: .transport
            case .dns: .dns
            case .trunkDown: .trunkDown
            }
        }
        records[leg.record].outcome = outcome.description
        guard case .routing(let current) = state, leg.request.attempt == current else { return [] }
        failures.append(Failure(attempt: current, status: status, reason: Q850Cause.reason(forStatus: status),
                                outcome: outcome, fromLeg: false))
        return attemptSettled(current, at: now)
    }

    private mutating func receiveSuccess(_ status: Int, sdp: SessionDescription?, leg: OutboundLeg, id: CallLegID,
                                         at now: Date) -> [CallAction] {
        // RFC 3261 §15 / §9.1: a 2xx crossing our CANCEL, losing a race, or arriving after the
        // call ended still creates a dialog: ACK it, then BYE it.
        guard case .routing(let current) = state, leg.request.attempt == current, leg.isLive else {
            let reason = leg.cancelReason ?? (answeredLeg != nil ? Q850Cause.completedElsewhere
                                                                  : Q850Cause.reason(Q850Cause.normalClearing))
            legs[id]?.phase = .terminated
            records[leg.record].status = status
            records[leg.record].ended = records[leg.record].ended ?? now
            return [.ackLeg(id), .sendByeToLeg(id, reason: reason)]
        }
        let answerSession = sdp.flatMap { try? Negotiator(profile: leg.profile).negotiate(offer: leg.request.offer, answer: $0) }
        guard let session = answerSession ?? leg.earlySession, let anchored = anchor(callee: session, early: false) else {
            // The answer is unusable: the leg is ended and counts as 488 for failover.
            let reason = Q850Cause.reason(Q850Cause.incompatibleDestination)
            legs[id]?.phase = .terminated
            records[leg.record].outcome = "488"
            records[leg.record].status = status
            records[leg.record].ended = now
            failures.append(Failure(attempt: current, status: 488, reason: reason, outcome: .status(488), fromLeg: false))
            return [.ackLeg(id), .sendByeToLeg(id, reason: reason)] + attemptSettled(current, at: now)
        }
        state = .answered(winner: id)
        answered = now
        calleeSession = session
        legs[id]?.phase = .answered
        records[leg.record].outcome = String(status)
        records[leg.record].status = status
        var actions: [CallAction] = [.ackLeg(id), .stopTimer(.ring(attempt: current))]
        actions += cancelLive(attempt: nil, reason: Q850Cause.completedElsewhere, outcome: "cancelled")
        return actions + callerFinalAnswer(anchored)
    }
}
