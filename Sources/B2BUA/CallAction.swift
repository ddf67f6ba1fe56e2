import DialPlan
import SDP
import SIPCore

/// A timer the call asks its handler to run.
public enum CallTimer: Hashable, Sendable {
    /// The ring timeout of the attempt at this index of ``RoutingDecision/attempts``.
    case ring(attempt: Int)
    /// The RFC 3261 §14.1 back-off after a 491 to the gateway's re-INVITE toward this side.
    case reinviteRetry(CallSide)
    /// The ring timeout of a blind transfer's target.
    case transferRing
}

/// Why an outbound leg could not be reached at all (no final response).
public enum LegFailure: Hashable, Sendable {
    /// Connection refused or reset, ICMP unreachable, TLS failure, or Timer B/F expiry.
    case transport
    /// RFC 3263 resolution found no usable target.
    case dns
    /// The trunk is marked down by OPTIONS probing.
    case trunkDown
}

/// Everything the SIP stack needs to send the INVITE of a new outbound leg.
public struct OutboundLegRequest: Sendable, Equatable {
    /// The leg's identifier within the call; later events name it.
    public var id: CallLegID
    /// The index of the attempt in ``RoutingDecision/attempts``.
    public var attempt: Int
    /// The endpoint or trunk, the Request-URI user and its media profile.
    public var target: Leg
    /// The registered contact to send to, for an endpoint; nil for a trunk (resolved by RFC 3263).
    public var contact: String?
    /// From, P-Asserted-Identity, Privacy and Diversion for a trunk leg.
    public var identity: LegIdentity?
    /// The SDP offer for this leg, pointing at the gateway's media address.
    public var offer: SessionDescription
}

/// What the ``CallStateMachine`` asks its handler to do, in order.
public enum CallAction: Sendable, Equatable {
    /// Respond on the caller's INVITE transaction (provisional or final), with our SDP answer
    /// and a `Reason` header (RFC 6432) on failures.
    case sendResponseToCaller(status: Int, sdp: SessionDescription?, reason: Reason?)
    /// Send a reliable provisional (RFC 3262 §3: `Require: 100rel`, `RSeq`, retransmitted until
    /// the PRACK) with the gateway's offer to a delayed-offer caller; the PRACK's answer goes to
    /// ``CallStateMachine/receiveCallerEarlyAnswer(_:at:)``.
    case sendReliableProvisionalToCaller(status: Int, sdp: SessionDescription)
    /// Send an INVITE on a new outbound leg.
    case createOutboundLeg(OutboundLegRequest)
    /// CANCEL a leg's pending INVITE (RFC 3261 §9.1) with this `Reason` (RFC 3326).
    case cancelLeg(CallLegID, reason: Reason)
    /// ACK a leg's 2xx (RFC 3261 §13.2.2.4).
    case ackLeg(CallLegID)
    /// BYE a leg's dialog with this `Reason`.
    case sendByeToLeg(CallLegID, reason: Reason)
    /// BYE the inbound (caller's INVITE) dialog with this `Reason`. A caller's role carried by an
    /// outbound leg after a transfer gets ``sendByeToLeg(_:reason:)``.
    case sendByeToCaller(reason: Reason)
    /// Start (or restart) a timer; fire it back through ``CallStateMachine/timerFired(_:at:)``.
    case startTimer(CallTimer, after: Duration)
    /// Stop a timer that has not fired.
    case stopTimer(CallTimer)
    /// Hand a new plan to ``MediaSessionControlling/update(callID:plan:)``.
    case updateMedia(MediaPlan)
    /// Release the call's media (``MediaSessionControlling/release(callID:)``).
    case releaseMedia
    /// Reserve a video stream for the answered call (``MediaSessionControlling/allocateVideo(callID:)``):
    /// a side's re-offer adds video the other side can take (RFC 3264 §8.2). The ports, or nil
    /// when the engine has none, go to ``CallStateMachine/receiveVideoPorts(_:at:)``.
    case allocateVideo
    /// Free the video stream reserved by ``allocateVideo`` (``MediaSessionControlling/releaseVideo(callID:)``):
    /// the other side refused the offer carrying it.
    case releaseVideo
    /// Send a re-INVITE with this offer in the side's dialog (the caller's, or the answered
    /// leg's); its final response goes to ``CallStateMachine/receiveReinviteResponse(_:sdp:from:at:backoff:)``.
    case sendReinvite(CallSide, offer: SessionDescription)
    /// Answer, with 200 and this SDP, the offer from this side that was
    /// ``ReofferOutcome/forwarded``.
    case answerPendingOffer(CallSide, sdp: SessionDescription)
    /// Reject, with this status, the offer from this side that was ``ReofferOutcome/forwarded``:
    /// the other side refused the media change (488, a 491 after the last retry, 408…).
    case rejectPendingOffer(CallSide, status: Int)
    /// NOTIFY the referrer (the leg whose dialog carried the REFER; nil: the inbound dialog) with
    /// `SIP/2.0 <status>` as message/sipfrag (RFC 3515 §2.4.5); `final` terminates the implicit
    /// subscription.
    case notifyTransfer(CallLegID?, status: Int, final: Bool)
    /// The call is over for the caller: store this record.
    case callEnded(CallRecord)
}
