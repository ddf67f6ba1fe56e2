import DialPlan
import Foundation
import SIPCore

/// Which dialog carries each role of an answered call. The callee's role is the answered leg
/// (``CallStateMachine/answeredLeg``); the caller's is the inbound dialog until the caller
/// transfers the call (RFC 3515: the transfer target takes the referrer's place), then the
/// target's outbound leg (``CallStateMachine/callerLeg``). A referrer that hung up during its
/// own transfer (RFC 5589 allows it after the 202) carries nothing any more.
extension CallStateMachine {
    /// The role outbound leg `id` carries now; nil for a leg that carries none (a forked leg that
    /// lost, a transfer target still ringing, a referrer that left or was replaced).
    public func side(of id: CallLegID) -> CallSide? {
        if carriesCallee(id) { return .callee }
        if callerLeg == id, !referrerGone(from: id, side: .caller) { return .caller }
        return nil
    }

    /// True while the inbound dialog carries the caller's role: the caller has not transferred
    /// the call away, nor hung up after asking to.
    public var inboundCarriesCaller: Bool {
        callerLeg == nil && !referrerGone(from: nil, side: .caller)
    }

    /// True when a side is internal: an endpoint of the plan, not a trunk (nor an unknown caller).
    /// Only internal sides may transfer (issue 6: a carrier's REFER would dial any number on the
    /// internal party's account: toll fraud).
    func isInternal(_ side: CallSide) -> Bool {
        party(of: side)?.kind == .endpoint
    }

    /// The plan's leg (endpoint or trunk) carrying `side` now.
    func party(of side: CallSide) -> Leg? {
        switch side {
        case .caller: callerLeg.flatMap { legs[$0]?.request.target } ?? decision.callerLeg
        case .callee: answeredLeg.flatMap { legs[$0]?.request.target }
        }
    }

    /// BYE toward the caller's role: the leg carrying it, else the inbound dialog; nothing when
    /// the caller already left (a referrer's BYE during its own transfer).
    mutating func byeCallerRole(reason: Reason, at now: Date) -> [CallAction] {
        if let callerLeg {
            closeRecord(of: callerLeg, at: now)
            return [.sendByeToLeg(callerLeg, reason: reason)]
        }
        return referrerGone(from: nil, side: .caller) ? [] : [.sendByeToCaller(reason: reason)]
    }

    /// True when the referrer of the running transfer, on `side` through dialog `leg` (nil: the
    /// inbound dialog), has hung up.
    func referrerGone(from leg: CallLegID?, side: CallSide) -> Bool {
        guard let transfer, transfer.side == side, transfer.referrer == leg else { return false }
        return transfer.referrerGone
    }

    /// True when the referrer of the running transfer on `side` (whatever its dialog) has hung up.
    func referrerGone(_ side: CallSide) -> Bool {
        transfer?.side == side && transfer?.referrerGone == true
    }

    /// True while an offer from `side` (its re-INVITE or UPDATE) waits for the other side's answer
    /// to the gateway's re-INVITE (``ReofferOutcome/forwarded``): that INVITE transaction is
    /// pending in the side's dialog, so the gateway sends no INVITE of its own into it (RFC 3261
    /// §14.1; a session refresh waits).
    public func isOfferPending(from side: CallSide) -> Bool {
        hold.waiting[side] != nil
    }
}
