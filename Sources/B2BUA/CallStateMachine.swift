import DialPlan
import Foundation
import SDP
import SIPCore

/// One call through the gateway: the caller's inbound leg (we are its UAS) joined to the
/// outbound legs (we are their UAC) that execute the ordered attempts of a ``RoutingDecision``.
///
/// A pure state machine: every event method returns the ``CallAction``s to perform, in order;
/// it owns no sockets, timers or event loops, and time comes in with each event.
///
/// ```
///            start()
///   idle ───────────────▶ routing(attempt i) ──leg 2xx──▶ answered ──BYE either side──▶ ended
///                          │   ▲       │                                                 ▲
///                          │   └───────┘ ring timer / leg failure covered by next_on:    │
///                          │             CANCEL the attempt's legs, start attempt i+1    │
///                          └── caller CANCEL, or an outcome not in next_on, or no ───────┘
///                              attempt left: final response to the caller
/// ```
///
/// Rules (INTEROP.md, RFC 3261):
/// - An attempt's legs ring together (parallel forking to every contact of an endpoint, every
///   member of a parallel group); a sequential group is one attempt per member.
/// - The next attempt starts exactly on the outcomes in the attempt's `next_on`.
/// - The caller sees at most one 180 for the whole call, so failing over after a provisional
///   does not ring twice; a 18x with SDP (early media) is relayed with our anchored answer.
/// - A trunk leg that sent a non-100 provisional and then fails ends the call: another trunk
///   would ring the same destination again. The ring timeout (`no_answer`) and endpoint legs
///   (a softphone that rang, then forwarding to a mobile) still move on per `next_on`.
/// - The first 2xx wins; the other ringing legs get CANCEL with
///   `Reason: SIP;cause=200;text="Call completed elsewhere"`. A 2xx on a leg we no longer want
///   (cancelled, too late, or the call is over) is ACKed then BYEd (RFC 3261 §15, CANCEL/200 race).
/// - BYE from either side ends both legs; the `Reason: Q.850` is passed on or set to 16.
/// - When every attempt fails, the caller gets the best response per RFC 3261 §16.7 step 6
///   (or the route's own reject) with `Reason: Q.850;cause=N` (RFC 6432).
///
/// After the answer, ``receiveSessionOffer(_:from:at:)`` passes hold/unhold to the other leg as
/// a re-INVITE (with RFC 3261 §14.1 glare handling) and answers other offers locally, and
/// ``receiveMediaTimeout(at:)`` ends the call unless it is on hold; dialogs themselves are
/// ``SIPDialog`` values kept by the handler (Gateway's `CallService`). A REFER from an internal
/// side of the answered call is a blind transfer (``receiveTransfer``, CallStateMachine+Transfer):
/// the other side stays, the target's leg takes the referrer's role. The caller's role is carried
/// by the inbound dialog until the caller transfers; then by an outbound leg (``callerLeg``,
/// CallStateMachine+Roles).
/// Not handled here: PRACK and session timers (the handler runs those).
public struct CallStateMachine: Sendable {
    enum State: Sendable, Equatable {
        case idle
        case routing(attempt: Int)
        case answered(winner: CallLegID)
        case ended
    }

    enum LegPhase: Sendable, Equatable { case trying, early, cancelling, answered, terminated }

    struct OutboundLeg: Sendable {
        var request: OutboundLegRequest
        var profile: SDPMediaProfile
        var phase: LegPhase
        var cancelReason: Reason?
        var earlySession: NegotiatedSession?
        var record: Int
        var isLive: Bool { phase == .trying || phase == .early }
    }

    /// A final failure seen while routing, a candidate for the caller's final response.
    struct Failure: Sendable {
        var attempt: Int
        var status: Int
        var reason: Reason?
        var outcome: Outcome
        var fromLeg: Bool
        /// A trunk leg that had sent a 18x: the destination was alerted, so another trunk would
        /// ring it a second time (INTEROP.md: never fail over after a non-100 provisional).
        var alerted = false
    }

    /// The Call-ID of the caller's leg, copied into the record and the media plan.
    public let callID: String
    let decision: RoutingDecision
    /// The caller's offer; for a delayed offer (an INVITE without SDP) a placeholder built from
    /// the caller's profile (CallStateMachine+DelayedOffer).
    let callerOffer: SessionDescription
    /// The caller's INVITE had no offer: ours goes in the 200, its answer comes in the ACK.
    let delayedOffer: Bool
    /// Our offer is out in the 200 of a delayed-offer call and the ACK's answer has not come.
    var awaitingCallerAnswer = false
    /// The caller listed `100rel` in `Supported` or `Require` (RFC 3262 §3): a delayed-offer
    /// caller can get our offer in a reliable 18x (CallStateMachine+EarlyOffer). Set by the handler.
    public var callerSupportsReliable = false
    /// Our offer in a reliable 18x toward a delayed-offer caller (CallStateMachine+EarlyOffer).
    var earlyOffer = EarlyOfferRun()
    let contacts: [String: [String]]
    /// The engine's ports and our SDES keys per side; a side's keys change when a transfer
    /// target takes that side's role (CallStateMachine+Transfer: new session, new keys).
    var media: MediaAllocation
    /// The media profile of the caller's role: the inbound caller's, or the leg that took its
    /// place in a transfer (``callerLeg``).
    var callerProfile: SDPMediaProfile
    var state: State = .idle
    var legs: [CallLegID: OutboundLeg] = [:]
    var nextLeg = 1
    var records: [CallRecord.LegRecord] = []
    var failures: [Failure] = []
    /// True when the last attempt failed with an outcome its `next_on` covers: the route's own
    /// final disposition applies rather than the legs' responses.
    var exhausted = false
    var provisionalSent = false
    var callerAnswer: Negotiator.Answer?
    /// The answer to the caller's offer that `start` built to check it, kept until the first
    /// called leg anchors so that `anchor` need not build the same answer again.
    var preparedCallerAnswer: PreparedCallerAnswer?
    var calleeSession: NegotiatedSession?
    var started = Date(timeIntervalSince1970: 0)
    /// Hold passed across the legs and the gateway's own re-INVITEs (CallStateMachine+Hold).
    var hold = HoldRelay()
    /// Endpoints (the plan's door stations) that never get the gateway's hold re-INVITEs: a hold
    /// from the other side is answered locally and the gateway keeps relaying (issue 6: "toward
    /// a door leg answered locally where possible"). Set by the handler; empty by default.
    public var doorEndpoints: Set<String> = []
    /// A blind transfer in progress (CallStateMachine+Transfer).
    var transfer: TransferRun?
    /// The outbound leg that carries the caller's role since the caller transferred the call
    /// (RFC 3515: the transfer target took the referrer's place); nil while the inbound dialog
    /// carries it (CallStateMachine+Roles).
    public internal(set) var callerLeg: CallLegID?
    var answered: Date?

    /// Creates the call.
    /// - Parameters:
    ///   - callID: the caller leg's Call-ID.
    ///   - decision: the dial plan's answer for this call.
    ///   - callerOffer: the SDP offer of the caller's INVITE; nil for an INVITE without one
    ///     (delayed offer, RFC 3261 §13.2.1: the gateway offers in its 2xx, the ACK answers).
    ///   - contacts: the registrar's contacts (or configured address) per endpoint named in the
    ///     decision, taken when the call starts; an endpoint with none counts as `offline`.
    ///   - media: the ports the media engine allocated for this call.
    public init(callID: String, decision: RoutingDecision, callerOffer: SessionDescription?,
                contacts: [String: [String]], media: MediaAllocation) {
        self.callID = callID
        self.decision = decision
        self.contacts = contacts
        self.media = media
        if let leg = decision.callerLeg {
            callerProfile = SDPMediaProfile(leg: leg.media, name: leg.target)
        } else {
            callerProfile = SDPMediaProfile(name: "caller", audioCodecs: [.pcma, .pcmu, .g722, .opus],
                                            videoCodecs: [.h264], video: .pass)
        }
        delayedOffer = callerOffer == nil
        self.callerOffer = callerOffer ?? Self.placeholderOffer(for: callerProfile, video: media.callerPorts.count >= 2)
    }

    /// True once the call has ended for the caller (stray legs may still be settling).
    public var isEnded: Bool { state == .ended }

    /// The outbound leg that answered, once one has.
    public var answeredLeg: CallLegID? {
        if case .answered(let winner) = state { return winner }
        return nil
    }

    /// Starts the first attempt, or answers at once when the caller's SDP is unusable (488) or
    /// the decision has no attempt (its final disposition).
    public mutating func start(at now: Date) -> [CallAction] {
        guard state == .idle else { return [] }
        started = now
        // RFC 3261 §21.4.26: nothing in the offer that the caller's profile can answer.
        guard let answer = try? Negotiator(profile: callerProfile).answer(to: callerOffer, local: callerLocal) else {
            let reason = Q850Cause.reason(forStatus: 488)
            return [.sendResponseToCaller(status: 488, sdp: nil, reason: reason)]
                + end(by: .gateway, status: 488, cause: Q850Cause.cause(forStatus: 488), at: now)
        }
        preparedCallerAnswer = PreparedCallerAnswer(profile: callerProfile, answer: answer)
        guard !decision.attempts.isEmpty else { return finishFailed(at: now) }
        return startAttempt(0, at: now)
    }

    /// The caller's CANCEL (RFC 3261 §9.2): every ringing leg is cancelled and the caller gets
    /// 487. After the answer it has no effect (the caller will ACK and BYE).
    public mutating func receiveCallerCancel(reason: Reason?, at now: Date) -> [CallAction] {
        guard case .routing(let current) = state else { return cancelDeferredAnswer(reason: reason, at: now) }
        let legReason = Self.q850(reason)
        var actions: [CallAction] = [.stopTimer(.ring(attempt: current))]
        actions += cancelLive(attempt: nil, reason: legReason, outcome: "cancelled")
        actions.append(.sendResponseToCaller(status: 487, sdp: nil, reason: nil))
        return actions + end(by: .caller, status: 487, cause: legReason.cause ?? Q850Cause.normalClearing, at: now)
    }

    /// The caller's BYE: the answered leg gets BYE with the same Q.850 cause (or 16). A door's
    /// own BYE after answer is this normal end, never a failure.
    public mutating func receiveCallerBye(reason: Reason?, at now: Date) -> [CallAction] {
        switch state {
        case .routing: return receiveCallerCancel(reason: reason, at: now)
        case .answered:
            // The inbound dialog no longer carries the caller (it transferred; its BYE crossed
            // ours), or it hung up after its REFER's 202: the call goes on.
            guard callerLeg == nil else { return [] }
            if let left = referrerLeft(nil, side: .caller) { return left }
            return callerRoleLeft(reason: reason, at: now)
        case .idle, .ended: return []
        }
    }

    /// The dialog carrying the caller's role sent BYE: the answered leg gets BYE with the same
    /// Q.850 cause (or 16) and the call ends.
    mutating func callerRoleLeft(reason: Reason?, at now: Date) -> [CallAction] {
        guard case .answered(let winner) = state else { return [] }
        let legReason = Self.q850(reason)
        closeRecord(of: winner, at: now)
        if let callerLeg { closeRecord(of: callerLeg, at: now) }
        return [.sendByeToLeg(winner, reason: legReason)]
            + end(by: .caller, status: 200, cause: legReason.cause ?? Q850Cause.normalClearing, at: now)
    }

    /// A BYE on an outbound leg: when it is the answered leg, the caller gets BYE too; when it
    /// carries the caller's role (``callerLeg``), the answered leg does.
    public mutating func receiveLegBye(reason: Reason?, from id: CallLegID, at now: Date) -> [CallAction] {
        if let role = side(of: id), let left = referrerLeft(id, side: role) {
            closeRecord(of: id, at: now)
            return left
        }
        if callerLeg == id { return callerRoleLeft(reason: reason, at: now) }
        guard case .answered(let winner) = state, winner == id else { return [] }
        let callerReason = Self.q850(reason)
        closeRecord(of: winner, at: now)
        return byeCallerRole(reason: callerReason, at: now)
            + end(by: .callee, status: 200, cause: callerReason.cause ?? Q850Cause.normalClearing, at: now)
    }

    /// A timer started by ``CallAction/startTimer(_:after:)`` fired. A ring timeout cancels the
    /// attempt's legs (`Reason: Q.850;cause=19`) and moves on when `no_answer` is in `next_on`.
    public mutating func timerFired(_ timer: CallTimer, at now: Date) -> [CallAction] {
        switch timer {
        case .ring(let index):
            guard case .routing(let current) = state, current == index else { return [] }
            let reason = Q850Cause.reason(Q850Cause.noAnswer)
            let actions = cancelLive(attempt: index, reason: reason, outcome: "no_answer")
            failures.append(Failure(attempt: index, status: 480, reason: reason, outcome: .noAnswer, fromLeg: false))
            return actions + attemptFailed(index, outcome: .noAnswer, at: now)
        case .reinviteRetry(let side):
            return reinviteRetryFired(side)
        case .transferRing:
            return transferRingTimedOut(at: now)
        }
    }

    /// A Q.850 reason to pass on: the peer's own when it is Q.850, else normal clearing (16).
    static func q850(_ reason: Reason?) -> Reason {
        if let reason, reason.isQ850, reason.cause != nil { return reason }
        return Q850Cause.reason(Q850Cause.normalClearing)
    }

    /// Ends the call for the caller: media released, record produced.
    mutating func end(by party: CallRecord.Party, status: Int, cause: UInt16, at now: Date) -> [CallAction] {
        // A transfer target still ringing must not outlive the call (its 2xx would re-answer it).
        let abandoned = abandonTransfer(cause: cause)
        state = .ended
        for index in records.indices where records[index].ended == nil {
            records[index].ended = now
        }
        let record = CallRecord(
            callID: callID, caller: decision.caller, called: decision.calledNumber, route: decision.route?.name,
            legs: records, started: started, answered: answered, ended: now, endedBy: party, status: status,
            q850Cause: cause, callerCodec: answered == nil ? nil : callerAnswer?.session.audio?.codec?.codec.description,
            calleeCodec: calleeSession?.audio?.codec?.codec.description)
        return abandoned + [.releaseMedia, .callEnded(record)]
    }

    mutating func closeRecord(of id: CallLegID, at now: Date) {
        guard let leg = legs[id] else { return }
        records[leg.record].ended = now
        legs[id]?.phase = .terminated
    }
}
