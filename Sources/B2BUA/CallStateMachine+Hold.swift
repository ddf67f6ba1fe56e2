import Foundation
import SDP

/// What becomes of an in-dialog offer (re-INVITE or UPDATE with SDP) from one side.
public enum ReofferOutcome: Sendable, Equatable {
    /// Answer it now with this description (200).
    case answered(SessionDescription)
    /// Reject it with this status: 491 (RFC 3261 §14.2, our own re-INVITE toward that side is in
    /// progress), 500 (its previous offer is still pending), 488 (nothing acceptable).
    case rejected(status: Int)
    /// Passed to the other side (the gateway's own re-INVITE or UPDATE): the answer comes later
    /// through ``CallAction/answerPendingOffer(_:sdp:)``, or the other side's refusal of a media
    /// change through ``CallAction/rejectPendingOffer(_:status:)``. Also while the engine
    /// reserves video ports for video the offer adds (``CallAction/allocateVideo``).
    case forwarded
}

extension CallStateMachine {
    /// An offer from one side of the answered call (RFC 3264 §8). A change of hold state (the
    /// audio direction: `sendonly`/`inactive`, `c=0.0.0.0`, back to `sendrecv`) goes to the other
    /// side as a re-INVITE offering the same direction from the gateway's anchored SDP; the offer
    /// is answered when that side has answered (or failed: then locally, the gateway keeps
    /// relaying). A codec or stream change goes across re-anchored when the other side can follow
    /// it (CallStateMachine+MediaChange.swift; its failure is the originator's). Anything else (a
    /// new address, a session refresh) is answered locally on the same ports, as is any change
    /// toward a door station (``doorEndpoints``). The returned actions follow the outcome
    /// (``CallAction/sendReinvite(_:offer:)``, ``CallAction/updateMedia(_:)``).
    public mutating func receiveSessionOffer(_ offer: SessionDescription, from side: CallSide,
                                             at now: Date) -> (outcome: ReofferOutcome, actions: [CallAction]) {
        guard answeredLeg != nil else { return (.rejected(status: 491), []) }
        if let outgoing = hold.outgoing[side], !outgoing.waitingForRetry { return (.rejected(status: 491), []) }
        if hold.waiting[side] != nil { return (.rejected(status: 500), []) }
        return decideOffer(offer, from: side, mayAddVideoPorts: true)
    }

    /// ``receiveSessionOffer(_:from:at:)`` once no offer of either side is pending: forwarded,
    /// answered locally or refused; first, when `mayAddVideoPorts`, video added to a call without
    /// video ports waits for the engine's ports (CallStateMachine+VideoPorts.swift).
    mutating func decideOffer(_ offer: SessionDescription, from side: CallSide,
                              mayAddVideoPorts: Bool) -> (outcome: ReofferOutcome, actions: [CallAction]) {
        let direction = HoldRelay.audioDirection(of: offer)
        let changed = direction != (hold.offered[side] ?? .sendrecv)
        let other = side.other
        // A referrer that hung up during its transfer has no dialog to re-INVITE (a 481 would end the call).
        let otherGone = referrerGone(other)
        // RFC 3264 §4: no new offer to a delayed-offer caller before its ACK answered ours; the
        // hold goes to it after the ACK (receiveCallerAnswer).
        let otherAwaitsAnswer = other == .caller && awaitingCallerAnswer
        // RFC 3261 §14.1: the other side's own INVITE is unanswered (it waits on ours toward this
        // side, now in its back-off): nothing may go into that dialog; this offer is answered here.
        let otherBusy = hold.outgoing[other] != nil || hold.waiting[other] != nil
        let reachable = !otherBusy && !otherGone && !otherAwaitsAnswer
        let forwardable = reachable && !isDoor(other)
        // Video added to a call without video ports: the engine reserves them first, then the
        // offer is decided again (receiveVideoPorts).
        if reachable, mayAddVideoPorts, wantsVideoPorts(for: offer, from: side) {
            return (.forwarded, requestVideoPorts(for: offer, from: side))
        }
        // A codec or stream change (CallStateMachine+MediaChange.swift), hold state included;
        // toward a door only added video (the gateway has no video of its own to answer it with).
        if reachable, let forwarded = mediaChangeOffer(offer, from: side, onlyAddedVideo: !forwardable) {
            return (.forwarded, forwardMediaChange(forwarded, offer: offer, from: side))
        }
        guard changed, forwardable else {
            if changed { hold.offered[side] = direction }
            guard let (answer, plan) = answerLocally(offer, from: side) else { return (.rejected(status: 488), []) }
            return (.answered(answer), [.updateMedia(plan)])
        }
        // Acceptable at all? Checked now so that a 488 is not sent after the other side moved.
        guard (try? Negotiator(profile: profile(of: side)).answer(to: offer, local: local(of: side))) != nil else {
            return (.rejected(status: 488), [])
        }
        hold.offered[side] = direction
        hold.waiting[side] = offer
        return (.forwarded, sendReinvite(toward: other, direction: direction))
    }

    /// The final response to the gateway's re-INVITE toward `side` (the handler ACKs a 2xx).
    /// 2xx: the side's new session goes to the engine and the waiting offer is answered; 491:
    /// retried after the §14.1 back-off (`backoff` is a random fraction in 0...1); another
    /// failure leaves that side's session unchanged (§14.1) and the waiting offer is answered
    /// locally (a hold) or refused with the same status (a media change: both sessions stay); a
    /// 2xx without a usable answer ends the call (CallStateMachine+UnusableAnswer.swift);
    /// 408 or 481 end the call (§12.2.1.2: the dialog is gone).
    public mutating func receiveReinviteResponse(_ status: Int, sdp: SessionDescription?, from side: CallSide,
                                                 at now: Date, backoff: Double = .random(in: 0...1)) -> [CallAction] {
        guard answeredLeg != nil, let outgoing = hold.outgoing[side], !outgoing.waitingForRetry, status >= 200 else { return [] }
        if status == 491, outgoing.retries < HoldRelay.glareRetryLimit {
            hold.outgoing[side]?.waitingForRetry = true
            let delay = HoldRelay.glareBackoff(ownsCallID: side == .callee, fraction: backoff)
            return [.startTimer(.reinviteRetry(side), after: delay)]
        }
        // A 491 after the last retry: given up like any other failure, nothing re-sent.
        let gaveUp = status == 491
        hold.outgoing[side] = nil
        // RFC 3261 §13.2.2.4: a 2xx without a usable answer is ACKed, then the call ends.
        if status < 300, !isUsableAnswer(sdp, to: outgoing, from: side) { return endOnUnusableAnswer(from: side, at: now) }
        var actions: [CallAction] = []
        if outgoing.mediaChange, status >= 300 || sdp == nil {
            // RFC 3261 §14.1: both sessions stay as they were; the originator hears the refusal.
            let refusal = status < 300 ? 488 : status
            if status == 408 || status == 481 {
                return rejectWaiting(toward: side.other, status: refusal) + hangUp(cause: Q850Cause.timerExpiry, at: now)
            }
            actions += rejectWaiting(toward: side.other, status: refusal)
            // Video ports reserved for this offer go back (CallStateMachine+VideoPorts.swift).
            actions += dropAddedVideo(offeredToward: side)
            if hold.outgoing[side.other]?.retryDue == true { actions += retryReinvite(toward: side.other) }
            return actions
        }
        var addedVideo = false
        if outgoing.mediaChange {
            hold.previousOffered[side.other] = nil
            // Video ports reserved for this offer: the call's once the side took the video.
            addedVideo = hold.videoAdd?.from == side.other
            if addedVideo { hold.videoAdd = nil }
        }
        if status < 300, let sdp, let session = try? Negotiator(profile: profile(of: side)).negotiate(offer: outgoing.offer, answer: sdp) {
            var offer = outgoing.offer
            // Refused with port 0: the new ports go back now (CallStateMachine+VideoPorts.swift).
            if addedVideo, session.video == nil { actions += releaseRefusedVideo(offeredIn: &offer) }
            hold.established[side] = outgoing.direction
            hold.sent[side] = offer
            setSession(session, description: offer, for: side)
            if let plan = currentPlan() { actions.append(.updateMedia(plan)) }
        } else if status == 408 || status == 481 {
            return answerWaiting(toward: side.other) + hangUp(cause: Q850Cause.timerExpiry, at: now)
        }
        actions += answerWaiting(toward: side.other)
        // The other side's own INVITE (forwarded here during our back-off toward it) is answered:
        // the retry that waited for it goes now.
        if hold.outgoing[side.other]?.retryDue == true { actions += retryReinvite(toward: side.other) }
        // The other side changed its mind while this re-INVITE was out: offer the newer direction
        // (not the same one again after a refusal: a peer refusing it would loop).
        let wanted = hold.offered[side.other] ?? .sendrecv
        if !gaveUp, wanted != outgoing.direction, wanted != (hold.established[side] ?? .sendrecv), hold.outgoing[side] == nil {
            actions += sendReinvite(toward: side, direction: wanted)
        }
        return actions
    }

    /// The glare back-off ended: the re-INVITE toward `side` goes again with the direction the
    /// other side wants now.
    mutating func reinviteRetryFired(_ side: CallSide) -> [CallAction] {
        guard answeredLeg != nil, hold.outgoing[side]?.waitingForRetry == true else { return [] }
        // RFC 3261 §14.1: the side's own re-INVITE is still unanswered (relayed to the other side):
        // ours waits until that transaction is over.
        if hold.waiting[side] != nil {
            hold.outgoing[side]?.retryDue = true
            return []
        }
        return retryReinvite(toward: side)
    }

    /// Re-sends the re-INVITE toward `side` after its back-off, counting the retry; nothing when
    /// that side already has the direction wanted and no offer waits on it.
    mutating func retryReinvite(toward side: CallSide) -> [CallAction] {
        guard let previous = hold.outgoing.removeValue(forKey: side) else { return [] }
        if previous.mediaChange {
            // The same change again (a newer origin version), while its offer still waits.
            guard hold.waiting[side.other] != nil else { return [] }
            let actions = sendOffer(previous.offer, direction: previous.direction, toward: side, mediaChange: true)
            hold.outgoing[side]?.retries = previous.retries + 1
            return actions
        }
        let wanted = hold.offered[side.other] ?? .sendrecv
        if wanted == (hold.established[side] ?? .sendrecv), hold.waiting[side.other] == nil { return [] }
        let actions = sendReinvite(toward: side, direction: wanted)
        hold.outgoing[side]?.retries = previous.retries + 1
        return actions
    }

    /// True while the gateway's re-INVITE toward `side` is out (its final response not yet in):
    /// no other INVITE may go into that dialog meanwhile (RFC 3261 §14.1).
    public func isReinvitePending(toward side: CallSide) -> Bool {
        hold.outgoing[side].map { !$0.waitingForRetry } ?? false
    }

    /// True while a side holds the other: the media timeout is not applied (a held phone sends
    /// no RTP); it applies again once the call is resumed and the engine re-armed.
    public var isOnHold: Bool { hold.isOnHold }

    // MARK: Helpers

    mutating func sendReinvite(toward side: CallSide, direction: MediaDirection) -> [CallAction] {
        guard let base = hold.sent[side] ?? currentDescription(for: side) else { return [] }
        return sendOffer(HoldRelay.offer(from: base, direction: direction), direction: direction, toward: side, mediaChange: false)
    }

    /// Answers the offer waiting on `side` (if any) locally, now that the other side settled.
    mutating func answerWaiting(toward side: CallSide) -> [CallAction] {
        guard let offer = hold.waiting.removeValue(forKey: side) else { return [] }
        guard let (answer, plan) = answerLocally(offer, from: side) else {
            // Acceptable when it came (checked then): the same answer as before keeps the dialog going.
            return currentDescription(for: side).map { [.answerPendingOffer(side, sdp: $0)] } ?? []
        }
        return [.answerPendingOffer(side, sdp: answer), .updateMedia(plan)]
    }

    /// ``receiveReoffer(_:from:)`` with the origin version increased when the answer changed.
    private mutating func answerLocally(_ offer: SessionDescription, from side: CallSide) -> (SessionDescription, MediaPlan)? {
        let previous = hold.sent[side] ?? currentDescription(for: side)
        guard let (answer, plan) = receiveReoffer(offer, from: side, preferring: preferredCodecs(answering: side)) else { return nil }
        let versioned = HoldRelay.versioned(answer, after: previous)
        if side == .caller { callerAnswer?.description = versioned }
        hold.sent[side] = versioned
        return (versioned, plan)
    }

    /// True when `side` is an endpoint in ``doorEndpoints``.
    func isDoor(_ side: CallSide) -> Bool {
        guard let leg = party(of: side), leg.kind == .endpoint else { return false }
        return doorEndpoints.contains(leg.target)
    }

    func profile(of side: CallSide) -> SDPMediaProfile {
        if side == .callee, let winner = answeredLeg, let leg = legs[winner] { return leg.profile }
        return callerProfile
    }

    func local(of side: CallSide) -> LocalMedia {
        side == .caller ? callerLocal
            : LocalMedia(address: media.address, ports: media.calleePorts, sessionID: media.sessionID,
                         cryptoKeys: media.calleeCryptoKeys)
    }

    private mutating func setSession(_ session: NegotiatedSession, description: SessionDescription, for side: CallSide) {
        switch side {
        case .caller:
            callerAnswer?.session = session
            callerAnswer?.description = description
        case .callee:
            calleeSession = session
        }
    }

    private func currentPlan() -> MediaPlan? {
        guard let callerAnswer, let calleeSession else { return nil }
        return MediaPlan(caller: .init(localPorts: media.callerPorts, session: callerAnswer.session),
                         callee: .init(localPorts: media.calleePorts, session: calleeSession), isEarly: false)
    }
}
