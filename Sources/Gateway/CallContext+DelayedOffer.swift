import B2BUA
import Foundation
import SDP
import SIPCore

@available(macOS 15.0, *)
extension CallContext {
    /// The caller's ACK of our 2xx in a delayed-offer call (RFC 3261 §13.2.1): its SDP is the
    /// answer to the offer in our 200 (``CallStateMachine/receiveCallerAnswer(_:at:)``). ACKs of
    /// other calls, or of re-INVITEs, change nothing here.
    /// A delayed-offer caller whose profile passes video (a door with H.264): the call gets video
    /// ports on both sides, so the called legs are offered video and the caller gets it in our
    /// offer (CallStateMachine+DelayedOffer) when a called leg takes it.
    var delayedOfferVideo: Bool {
        guard offer == nil, let leg = decision.callerLeg else { return false }
        return SDPMediaProfile(leg: leg.media, name: leg.target).video == .pass
    }

    func receiveCallerAnswer(in ack: SIPMessage) {
        guard machine?.isAwaitingCallerAnswer == true else { return }
        let answer = Self.sdp(of: ack)
        if answer == nil { logger.info("no answer in the ACK to our offer", metadata: ["callID": "\(callID)"]) }
        drive { $0.receiveCallerAnswer(answer, at: Date()) }
    }
}
