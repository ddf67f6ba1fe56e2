import Foundation
import SDP

/// A 2xx to the gateway's own re-INVITE or UPDATE (a hold or a media change passed across the
/// legs) whose SDP answer cannot be used: none, malformed, or nothing in common with our offer.
///
/// The 2xx completed the transaction: the peer now believes the offer was accepted, and RFC 3261
/// §14.1 ("the session parameters MUST remain unchanged") covers only non-2xx responses. RFC 3261
/// §13.2.2.4 tells a UAC that cannot use what a 2xx brings to ACK it and then send BYE at once,
/// and §14.1 applies the INVITE's offer/answer rules to re-INVITEs. So the handler ACKs the 2xx
/// as always and the machine ends the call: BYE to both sides with `Reason: Q.850;cause=88`
/// (incompatible destination); the originator's waiting offer gets 488 first (RFC 3261
/// §21.4.26) so its transaction does not stay open until the BYE.
extension CallStateMachine {
    /// True when `sdp`, in a 2xx to `outgoing` toward `side`, is an answer the side's profile
    /// can negotiate (RFC 3264 §6: a usable answer has a stream in common with the offer).
    func isUsableAnswer(_ sdp: SessionDescription?, to outgoing: HoldRelay.Outgoing, from side: CallSide) -> Bool {
        guard let sdp, let session = try? Negotiator(profile: profile(of: side)).negotiate(offer: outgoing.offer, answer: sdp)
        else { return false }
        return session.audio != nil
    }

    /// The call's end after an unusable answer from `side` (the 2xx is ACKed by the handler).
    mutating func endOnUnusableAnswer(from side: CallSide, at now: Date) -> [CallAction] {
        rejectWaiting(toward: side.other, status: 488) + hangUp(cause: Q850Cause.incompatibleDestination, at: now)
    }
}
