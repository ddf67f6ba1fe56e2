import DialPlan
import Foundation
import SDP
import SIPCore

/// A blind transfer asked by one side's REFER (RFC 3515, RFC 5589 §6): the other side (the
/// transferee) stays on its dialog and its anchored media; the gateway rings the target that the
/// dial plan gives for the Refer-To number, attempt after attempt on the outcomes each names in
/// `next_on`, and when one answers it takes the referrer's role (and its media ports), the media
/// engine is re-pointed at it, and the referrer gets the final NOTIFY and a BYE.
struct TransferRun: Sendable {
    /// The role of the referrer: the target takes it over.
    var side: CallSide
    /// The dialog that carried the REFER: an outbound leg, or nil for the inbound dialog.
    var referrer: CallLegID?
    /// The dial plan's decision for the Refer-To number.
    var target: RoutingDecision
    /// The registrar's contacts for the endpoints the decision names.
    var contacts: [String: [String]]
    /// The attempt of `target` ringing now.
    var index = 0
    /// The legs ringing the transfer target (the current attempt's).
    var legs: Set<CallLegID> = []
    /// The index the current attempt's legs carry in the call record (after the route's attempts).
    var attempt: Int
    /// Final statuses of the target's legs so far.
    var failures: [Int] = []
    /// The referrer hung up before the transfer completed (RFC 5589 allows it after the 202).
    var referrerGone = false
    /// Our SDES keys per stream toward the target (RFC 4568 §6.1: a new SRTP session gets new
    /// keys, never the referrer's); they become the side's keys once the target answers.
    var cryptoKeys: [[String: String]]
}

/// Whether a REFER starts a transfer, and the status for its response.
public enum TransferStart: Sendable, Equatable {
    /// 202 Accepted (RFC 3515 §2.4.2): the actions ring the target and send the first NOTIFY.
    case accepted
    /// Refused with this status: 403 (from a trunk or an unknown caller, or before the answer),
    /// 481 (from a dialog that no longer carries the call), 491 (a transfer is already running),
    /// 404/480 (the dial plan has nowhere to send the number).
    case refused(status: Int)
}

extension CallStateMachine {
    /// A REFER to `target` (the dial plan's decision for the Refer-To number, as if the caller had
    /// dialled it) from one side of the answered call, with the registrar's `contacts` for its
    /// endpoints. The other side is the transferee; the target's first attempt rings (its legs in
    /// parallel, its ring timeout); the referrer gets NOTIFY `100 Trying` at once and the final
    /// status later (``CallAction/notifyTransfer(_:status:final:)``). The target's legs are offered
    /// the referrer's media ports: on answer they take its role (for the caller's role, the leg
    /// becomes ``callerLeg``).
    ///
    /// `leg` is the outbound leg whose dialog carried the REFER (nil: the answered leg for the
    /// callee, the inbound dialog for the caller). A REFER in a dialog that no longer carries
    /// that side (a forked leg that lost, a referrer that left or was replaced) gets 481 (RFC 3261
    /// §12.2.2: no such dialog in the call).
    ///
    /// `cryptoKeys`: fresh SDES keys per stream (``LocalMedia/cryptoKeys``) for the target's
    /// offer. The target's leg is a new SRTP session, so it never gets the keys the referrer
    /// knows (RFC 4568 §6.1; a referrer that kept them could decrypt the transferee's media);
    /// empty for no SDES at all (no leg of the plan uses SRTP).
    public mutating func receiveTransfer(to target: RoutingDecision, contacts: [String: [String]], from side: CallSide,
                                         leg: CallLegID? = nil, cryptoKeys: [[String: String]] = [],
                                         at now: Date) -> (start: TransferStart, actions: [CallAction]) {
        switch side {
        case .callee: if let leg, !carriesCallee(leg) { return (.refused(status: 481), []) }
        case .caller:
            if answeredLeg != nil, leg != callerLeg || referrerGone(from: leg, side: .caller) { return (.refused(status: 481), []) }
        }
        // Issue 6: transfers from the internal side only. A carrier's REFER would dial any number
        // on the internal party's account (toll fraud).
        guard let winner = answeredLeg, isInternal(side) else { return (.refused(status: 403), []) }
        guard transfer == nil else { return (.refused(status: 491), []) }
        guard !target.attempts.isEmpty else { return (.refused(status: target.final.status), []) }
        let referrer = side == .callee ? winner : callerLeg
        transfer = TransferRun(side: side, referrer: referrer, target: target, contacts: contacts,
                               attempt: decision.attempts.count + 1, cryptoKeys: cryptoKeys)
        var index = 0
        while true {
            if let ringing = ringTransferAttempt(index, at: now) {
                return (.accepted, [.notifyTransfer(referrer, status: 100, final: false)] + ringing)
            }
            // Nobody to ring in this attempt (offline): the next one when `next_on` says so.
            guard target.attempts[index].nextOn.contains(where: { $0.covers(.offline) }), index + 1 < target.attempts.count else {
                transfer = nil
                return (.refused(status: 480), [])
            }
            index += 1
        }
    }

    /// The gateway's media ports facing `side` (one per stream): a transfer target taking that
    /// side's role is offered these, with as many fresh SDES keys (``receiveTransfer``).
    public func mediaPorts(facing side: CallSide) -> [UInt16] {
        side == .caller ? media.callerPorts : media.calleePorts
    }

    /// Rings attempt `index` of the transfer's target; nil when it has no leg to ring.
    private mutating func ringTransferAttempt(_ index: Int, at now: Date) -> [CallAction]? {
        guard var run = transfer, run.target.attempts.indices.contains(index) else { return nil }
        let attempt = run.target.attempts[index]
        run.index = index
        run.attempt = decision.attempts.count + 1 + index
        run.legs = []
        var actions: [CallAction] = []
        let contacts = run.contacts
        for leg in attempt.legs {
            let profile = SDPMediaProfile(leg: leg.media, name: leg.target)
            let destinations: [String?] = leg.kind == .endpoint ? (contacts[leg.target] ?? []).map { $0 } : [nil]
            if destinations.isEmpty {
                records.append(.init(target: leg.target, contact: nil, attempt: run.attempt, outcome: "offline",
                                     status: nil, started: now, ended: now))
            }
            for contact in destinations {
                let id = CallLegID(nextLeg)
                nextLeg += 1
                let request = OutboundLegRequest(id: id, attempt: run.attempt, target: leg, contact: contact,
                                                 identity: attempt.identity, offer: offer(for: profile, toward: run.side, cryptoKeys: run.cryptoKeys))
                records.append(.init(target: leg.target, contact: contact, attempt: run.attempt, outcome: "pending",
                                     status: nil, started: now, ended: nil))
                legs[id] = OutboundLeg(request: request, profile: profile, phase: .trying, record: records.count - 1)
                run.legs.insert(id)
                actions.append(.createOutboundLeg(request))
            }
        }
        transfer = run
        guard !run.legs.isEmpty else { return nil }
        actions.append(.startTimer(.transferRing, after: attempt.timeout))
        return actions
    }

    /// A final response on a transfer leg: a usable 2xx completes the transfer; failures settle it.
    mutating func transferLegFinal(_ status: Int, sdp: SessionDescription?, from id: CallLegID, at now: Date) -> [CallAction] {
        guard var run = transfer, let leg = legs[id], leg.isLive else {
            // A late 2xx on a leg we no longer want: ACK, then BYE (RFC 3261 §15).
            guard let leg = legs[id] else { return [] }
            legs[id]?.phase = .terminated
            records[leg.record].ended = records[leg.record].ended ?? now
            guard status < 300 else { return [] }
            return [.ackLeg(id), .sendByeToLeg(id, reason: leg.cancelReason ?? Q850Cause.completedElsewhere)]
        }
        records[leg.record].status = status
        if status < 300, let sdp, let session = try? Negotiator(profile: leg.profile).negotiate(offer: leg.request.offer, answer: sdp),
           callerAnswer != nil {
            return completeTransfer(run, to: id, session: session, at: now)
        }
        legs[id]?.phase = .terminated
        records[leg.record].ended = now
        records[leg.record].outcome = status < 300 ? "488" : String(status)
        run.failures.append(status < 300 ? 488 : status)
        transfer = run
        let cleanup: [CallAction] = status < 300 ? [.ackLeg(id), .sendByeToLeg(id, reason: Q850Cause.reason(Q850Cause.incompatibleDestination))] : []
        return cleanup + transferSettled(at: now)
    }

    /// A transfer leg got no response at all (counts as 480 for an endpoint, 503 for a trunk).
    mutating func transferLegFailure(from id: CallLegID, at now: Date) -> [CallAction] {
        guard var run = transfer, let leg = legs[id], leg.isLive else { return [] }
        let status = leg.request.target.kind == .endpoint ? 480 : 503
        legs[id]?.phase = .terminated
        records[leg.record].ended = now
        records[leg.record].outcome = leg.request.target.kind == .endpoint ? "offline" : "transport"
        run.failures.append(status)
        transfer = run
        return transferSettled(at: now)
    }

    /// The transfer target's ring timeout: its legs are cancelled and the transfer fails (480).
    mutating func transferRingTimedOut(at now: Date) -> [CallAction] {
        guard transfer != nil else { return [] }
        let reason = Q850Cause.reason(Q850Cause.noAnswer)
        var actions: [CallAction] = []
        for id in (transfer?.legs ?? []).sorted() {
            guard let leg = legs[id], leg.isLive else { continue }
            legs[id]?.phase = .cancelling
            legs[id]?.cancelReason = reason
            records[leg.record].outcome = "no_answer"
            actions.append(.cancelLeg(id, reason: reason))
        }
        transfer?.failures.append(480)
        return actions + transferAttemptFailed(status: 480, outcome: .noAnswer, at: now)
    }

    /// Whether outbound leg `id` still carries the call's callee dialog: it is the answered leg and
    /// did not hang up during its own transfer. Requests of the gateway's own (session refreshes)
    /// go only into such a leg, and only its failures end the call.
    public func carriesCallee(_ id: CallLegID) -> Bool {
        answeredLeg == id && !referrerGone(from: id, side: .callee)
    }

    /// The referrer's BYE during its transfer, through dialog `leg` (nil: the inbound one) on
    /// `side`: it leaves, the transferee keeps waiting for the target. Nil when that dialog is not
    /// the running transfer's referrer.
    mutating func referrerLeft(_ leg: CallLegID?, side: CallSide) -> [CallAction]? {
        guard let run = transfer, run.side == side, run.referrer == leg, !run.referrerGone else { return nil }
        transfer?.referrerGone = true
        return []
    }

    /// The call ends while the transfer target rings: its legs are cancelled and the timer stopped.
    mutating func abandonTransfer(cause: UInt16) -> [CallAction] {
        guard let run = transfer else { return [] }
        transfer = nil
        let reason = Q850Cause.reason(cause)
        var actions: [CallAction] = [.stopTimer(.transferRing)]
        for id in run.legs.sorted() {
            guard let leg = legs[id], leg.isLive else { continue }
            legs[id]?.phase = .cancelling
            legs[id]?.cancelReason = reason
            records[leg.record].outcome = "cancelled"
            actions.append(.cancelLeg(id, reason: reason))
        }
        return actions
    }

    private mutating func transferSettled(at now: Date) -> [CallAction] {
        guard let run = transfer, !run.legs.contains(where: { legs[$0]?.isLive == true }) else { return [] }
        let best = Self.selectResponse(run.failures.map { Failure(attempt: run.attempt, status: $0, reason: nil, outcome: .status($0), fromLeg: true) })
        let status = best?.status ?? 480
        return [.stopTimer(.transferRing)] + transferAttemptFailed(status: status, outcome: .status(status), at: now)
    }

    /// The current attempt of the transfer failed: the next one rings when its `next_on` covers
    /// the outcome (408/480 also count as `no_answer`, as in routing), else the transfer fails.
    private mutating func transferAttemptFailed(status: Int, outcome: Outcome, at now: Date) -> [CallAction] {
        guard var run = transfer else { return [] }
        var outcomes = [outcome]
        if status == 408 || status == 480 { outcomes.append(.noAnswer) }
        var index = run.index
        while run.target.attempts[index].nextOn.contains(where: { entry in outcomes.contains { entry.covers($0) } }),
              index + 1 < run.target.attempts.count {
            index += 1
            run.failures = []
            transfer = run
            if let ringing = ringTransferAttempt(index, at: now) { return ringing }
            outcomes = [.offline]
            run = transfer ?? run
        }
        return finishTransfer(status: status, at: now)
    }

    /// The transfer failed with `status`: the referrer is told (RFC 3515 §2.4.5) and keeps the
    /// call; when it already left, the transferee is hung up.
    private mutating func finishTransfer(status: Int, at now: Date) -> [CallAction] {
        guard let run = transfer else { return [] }
        guard run.referrerGone else {
            transfer = nil
            return [.notifyTransfer(run.referrer, status: status, final: true)]
        }
        let reason = Q850Cause.reason(forStatus: status)
        let bye: [CallAction]
        switch run.side {
        case .callee: bye = byeCallerRole(reason: reason, at: now)
        case .caller:
            bye = answeredLeg.map { [.sendByeToLeg($0, reason: reason)] } ?? []
            if let answeredLeg { closeRecord(of: answeredLeg, at: now) }
        }
        transfer = nil
        return bye + end(by: .gateway, status: 200, cause: reason.cause ?? Q850Cause.normalClearing, at: now)
    }

    /// Transfer leg `id` answered with `session`: it takes the referrer's role (for the callee,
    /// the answered leg; for the caller, ``callerLeg`` with its profile, our offer and the
    /// session), the other ringing legs are cancelled, the media engine is re-pointed, the
    /// transferee's held or waiting state is settled, and the referrer gets the final NOTIFY and
    /// a BYE.
    private mutating func completeTransfer(_ run: TransferRun, to id: CallLegID, session: NegotiatedSession,
                                           at now: Date) -> [CallAction] {
        transfer = nil
        guard let leg = legs[id] else { return [] }
        let side = run.side
        let other = side.other
        // What the referrer last got from us, before its role moves.
        let referrerSent = currentDescription(for: side)
        switch side {
        case .callee:
            state = .answered(winner: id)
            calleeSession = session
            media.calleeCryptoKeys = run.cryptoKeys
        case .caller:
            media.callerCryptoKeys = run.cryptoKeys
            callerLeg = id
            callerProfile = leg.profile
            callerAnswer = Negotiator.Answer(description: leg.request.offer, session: session)
            awaitingCallerAnswer = false
        }
        legs[id]?.phase = .answered
        records[leg.record].outcome = "200"
        // The new dialog starts from the gateway's offer: no hold state carried over.
        hold.sent[side] = nil
        hold.established[side] = nil
        hold.outgoing[side] = nil
        hold.lastVersion[side] = nil
        // The referrer's hold (RFC 5589 §6: transferors hold before REFER) ends with its dialog:
        // the target is sendrecv, so a transferee the gateway held is resumed below.
        hold.offered[side] = nil
        let referrerOffer = hold.waiting.removeValue(forKey: side)
        var actions: [CallAction] = [.ackLeg(id), .stopTimer(.transferRing)]
        if referrerOffer != nil, let previous = referrerSent {
            actions.append(.answerPendingOffer(side, sdp: previous))
        }
        let elsewhere = Q850Cause.completedElsewhere
        for loser in run.legs.sorted() where loser != id {
            guard let ringing = legs[loser], ringing.isLive else { continue }
            legs[loser]?.phase = .cancelling
            legs[loser]?.cancelReason = elsewhere
            records[ringing.record].outcome = "cancelled"
            actions.append(.cancelLeg(loser, reason: elsewhere))
        }
        if let callerAnswer, let calleeSession {
            actions.append(.updateMedia(MediaPlan(caller: .init(localPorts: media.callerPorts, session: callerAnswer.session),
                                                  callee: .init(localPorts: media.calleePorts, session: calleeSession),
                                                  isEarly: false)))
        }
        // The transferee's offer that waited for the referrer's answer is answered locally.
        actions += answerWaiting(toward: other)
        if hold.outgoing[other]?.retryDue == true { actions += retryReinvite(toward: other) }
        if hold.outgoing[other] == nil, (hold.established[other] ?? .sendrecv) != .sendrecv {
            actions += sendReinvite(toward: other, direction: .sendrecv)
        }
        if !run.referrerGone {
            let reason = Q850Cause.reason(Q850Cause.normalClearing)
            actions.append(.notifyTransfer(run.referrer, status: 200, final: true))
            if let referrer = run.referrer {
                closeRecord(of: referrer, at: now)
                actions.append(.sendByeToLeg(referrer, reason: reason))
            } else {
                actions.append(.sendByeToCaller(reason: reason))
            }
        }
        return actions
    }
}
