import B2BUA
import Foundation
import SIPCore

@available(macOS 15.0, *)
extension CallContext {
    /// The caller's ACK of our 2xx in a delayed-offer call (RFC 3261 §13.2.1): its SDP is the
    /// answer to the offer in our 200 (``CallStateMachine/receiveCallerAnswer(_:at:)``). ACKs of
    /// other calls, or of re-INVITEs, change nothing here.
    func receiveCallerAnswer(in ack: SIPMessage) {
        guard machine?.isAwaitingCallerAnswer == true else { return }
        let answer = Self.sdp(of: ack)
        if answer == nil { logger.info("no answer in the ACK to our offer", metadata: ["callID": "\(callID)"]) }
        drive { $0.receiveCallerAnswer(answer, at: Date()) }
    }
}
