import Foundation
import SDP
import SIPCore

/// Early media for a delayed-offer caller (an INVITE without SDP, RFC 3261 §13.2.1): when the
/// called leg sends a 18x with SDP, the caller gets the gateway's offer in a reliable provisional
/// (RFC 3262 §3, the handler adds `Require: 100rel` and `RSeq` and retransmits until the PRACK)
/// and its answer comes in the PRACK (RFC 3262 §5, RFC 6337 §2.1); the early media is then
/// anchored and passed through as for a caller that offered. The offer/answer exchange is then
/// complete: the final 200 carries no SDP and the ACK none (RFC 3261 §13.2.1, RFC 6337 §3.1).
///
/// A caller without `100rel` in `Supported`/`Require` cannot get an offer before the 2xx (an
/// unreliable 18x may not carry one): it gets a 180 without SDP (its own ringback) and our offer
/// in the 200, as before.
///
/// RFC 3262 §3: a 2xx may not go to the caller while a reliable provisional with an offer is
/// unacknowledged; a leg answering before the PRACK waits for it (``EarlyOfferRun/deferredAnswer``).
extension CallStateMachine {
    /// The state of the gateway's offer in a reliable provisional toward a delayed-offer caller.
    struct EarlyOfferRun: Sendable, Equatable {
        /// Our offer is out in a reliable provisional; its answer comes in the PRACK.
        var awaitingPrack = false
        /// The PRACK brought a usable answer: the session with the caller exists.
        var completed = false
        /// The answered leg's 200 for the caller waits for the PRACK.
        var deferredAnswer = false
        /// The leg whose early media the caller's session is joined to.
        var earlyLeg: CallLegID?
    }

    /// True while the gateway's offer in a reliable provisional waits for the caller's PRACK.
    public var isAwaitingEarlyAnswer: Bool { earlyOffer.awaitingPrack }

    /// True once a delayed-offer caller answered our offer in its PRACK (the 2xx carries no SDP).
    public var earlyOfferCompleted: Bool { earlyOffer.completed }

    /// A 18x with SDP on a leg of a delayed-offer call (from ``receiveProvisional(_:sdp:from:at:)``).
    mutating func earlyOfferProvisional(_ status: Int, sdp: SessionDescription, from id: CallLegID) -> [CallAction] {
        guard let leg = legs[id] else { return [] }
        guard callerSupportsReliable else {
            // No reliable provisional toward this caller: no offer before the 200 (RFC 3262 §3),
            // so the early media cannot reach it; it rings locally.
            guard !provisionalSent else { return [] }
            provisionalSent = true
            return [.sendResponseToCaller(status: 180, sdp: nil, reason: nil)]
        }
        guard let session = try? Negotiator(profile: leg.profile).negotiate(offer: leg.request.offer, answer: sdp) else { return [] }
        legs[id]?.earlySession = session
        if callerAnswer != nil {
            // Our offer is out already (another leg, or a second 18x): the early media of this
            // leg is joined to the caller's session once it exists; the caller gets nothing new.
            earlyOffer.earlyLeg = id
            guard earlyOffer.completed, let plan = earlyPlan() else { return [] }
            return [.updateMedia(plan)]
        }
        guard let anchored = anchor(callee: session, early: true) else { return [] }
        // The answer comes in the PRACK, not in the ACK (anchor() expects the ACK for a delayed offer).
        awaitingCallerAnswer = false
        earlyOffer.awaitingPrack = true
        earlyOffer.earlyLeg = id
        provisionalSent = true
        return [.sendReliableProvisionalToCaller(status: status, sdp: anchored.0.description), .updateMedia(anchored.1)]
    }

    /// The caller's PRACK for our reliable offer (its SDP, nil when it has none): a usable answer
    /// points the engine at the caller (and sends the 200 that waited for it); none, or one with
    /// nothing in common, fails the call (RFC 3262 §5: the PRACK must carry the answer).
    public mutating func receiveCallerEarlyAnswer(_ answer: SessionDescription?, at now: Date) -> [CallAction] {
        guard earlyOffer.awaitingPrack, let offer = callerAnswer?.description else { return [] }
        earlyOffer.awaitingPrack = false
        guard let answer, let session = try? Negotiator(profile: callerProfile).negotiate(offer: offer, answer: answer),
              session.audio != nil else {
            return failEarlyOffer(status: 488, cause: Q850Cause.incompatibleDestination, at: now)
        }
        earlyOffer.completed = true
        callerAnswer?.session = session
        hold.sent[.caller] = offer
        guard case .answered = state else { return earlyPlan().map { [.updateMedia($0)] } ?? [] }
        guard earlyOffer.deferredAnswer, let calleeSession else { return [] }
        earlyOffer.deferredAnswer = false
        let plan = MediaPlan(caller: .init(localPorts: media.callerPorts, session: session),
                             callee: .init(localPorts: media.calleePorts, session: calleeSession), isEarly: false)
        return [.sendResponseToCaller(status: 200, sdp: nil, reason: nil), .updateMedia(plan)]
    }

    /// No PRACK came for a reliable provisional to the caller (the handler retransmitted it for
    /// 64·T1): RFC 3262 §3, "the UAS SHOULD reject the original request with a 5xx response".
    /// With our offer in it, the legs are cancelled (or BYEd when one answered while its 200
    /// waited for the PRACK). Without SDP (a caller with `Require: 100rel` gets every 18x
    /// reliably) the same while the INVITE has no final response: 500, Q.850 cause 102, the
    /// ringing legs cancelled. Once the caller has its final response (a 2xx may follow an
    /// unacknowledged 18x without SDP, §3) nothing changes.
    public mutating func receiveCallerPrackTimeout(at now: Date) -> [CallAction] {
        if earlyOffer.awaitingPrack {
            earlyOffer.awaitingPrack = false
        } else {
            guard case .routing = state else { return [] }
        }
        return failEarlyOffer(status: 500, cause: Q850Cause.timerExpiry, at: now)
    }

    /// The caller's CANCEL after a leg answered while its 200 waits for the PRACK: the caller has
    /// no final response yet (RFC 3261 §9.2: 487), the answered leg gets BYE. Nothing otherwise.
    mutating func cancelDeferredAnswer(reason: Reason?, at now: Date) -> [CallAction] {
        guard earlyOffer.deferredAnswer else { return [] }
        earlyOffer.awaitingPrack = false
        let legReason = Self.q850(reason)
        return failEarlyOffer(status: 487, cause: legReason.cause ?? Q850Cause.normalClearing, by: .caller, at: now)
    }

    /// The caller's final response and answer to a called leg's 2xx (from ``receiveSuccess``): the
    /// usual 200 with our SDP; without SDP once the PRACK completed the offer/answer; none yet
    /// while the PRACK is awaited (sent by ``receiveCallerEarlyAnswer(_:at:)``).
    mutating func callerFinalAnswer(_ anchored: (Negotiator.Answer, MediaPlan)) -> [CallAction] {
        if earlyOffer.awaitingPrack {
            earlyOffer.deferredAnswer = true
            return [.updateMedia(anchored.1)]
        }
        let sdp = earlyOffer.completed ? nil : anchored.0.description
        return [.sendResponseToCaller(status: 200, sdp: sdp, reason: nil), .updateMedia(anchored.1)]
    }

    /// The early media plan: the caller's answered session joined to the early leg's.
    func earlyPlan() -> MediaPlan? {
        guard let id = earlyOffer.earlyLeg, let callee = legs[id]?.earlySession, let caller = callerAnswer?.session,
              case .routing = state else { return nil }
        return MediaPlan(caller: .init(localPorts: media.callerPorts, session: caller),
                         callee: .init(localPorts: media.calleePorts, session: callee), isEarly: true)
    }

    /// The call fails for the caller with `status` (its INVITE has no final response yet): ringing
    /// legs are cancelled, an answered one (its 200 waiting for the PRACK) gets BYE.
    mutating func failEarlyOffer(status: Int, cause: UInt16, by party: CallRecord.Party = .gateway,
                                 at now: Date) -> [CallAction] {
        let reason = Q850Cause.reason(cause)
        var actions: [CallAction] = []
        switch state {
        case .routing(let current):
            actions += [.stopTimer(.ring(attempt: current))]
            actions += cancelLive(attempt: nil, reason: reason, outcome: "cancelled")
        case .answered(let winner):
            closeRecord(of: winner, at: now)
            actions.append(.sendByeToLeg(winner, reason: reason))
        case .idle, .ended:
            return []
        }
        earlyOffer.deferredAnswer = false
        actions.append(.sendResponseToCaller(status: status, sdp: nil, reason: status == 487 ? nil : reason))
        return actions + end(by: party, status: status, cause: cause, at: now)
    }
}
