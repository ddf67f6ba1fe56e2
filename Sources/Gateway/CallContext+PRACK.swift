import B2BUA
import Foundation
import SIPCore
import SIPStack

@available(macOS 15.0, *)
extension CallContext {
    /// RFC 3262 on an outbound leg: a reliable provisional (`Require: 100rel`, `RSeq`) gets a
    /// PRACK with its `RAck` in the early dialog of its To tag (§7.2); a retransmission is
    /// PRACKed again. True when the provisional is to be processed (unreliable, or a new
    /// reliable one); false for a retransmission, an out-of-order or a malformed one (§4, §7.1).
    func acknowledgeReliable(_ id: CallLegID, _ response: SIPMessage) -> Bool {
        let toTag = response.toTag ?? ""
        guard let decision = withLeg(id, { leg in
            var tracker = leg.reliable[toTag] ?? ReliableProvisionals()
            let decision = tracker.receive(response, inviteCSeq: leg.invite.cseqNumber ?? 1)
            leg.reliable[toTag] = tracker
            return decision
        }) else { return false }
        switch decision {
        case .unreliable:
            return true
        case .acknowledge(let rack):
            sendPrack(id, rack: rack, response: response)
            return true
        case .retransmission(let rack):
            sendPrack(id, rack: rack, response: response)
            return false
        case .outOfOrder, .malformed:
            logger.debug("reliable provisional discarded", metadata: ["callID": "\(callID)", "leg": "\(id)",
                                                                      "decision": "\(decision)"])
            return false
        }
    }

    /// The PRACK (RFC 3262 §7.2) through the leg's early dialog with that To tag (a forked early
    /// dialog gets its own, built from the response), to the leg's target.
    func sendPrack(_ id: CallLegID, rack: RAck, response: SIPMessage) {
        guard let leg = legs[id], let target = leg.target, let stack, let toTag = response.toTag else { return }
        let prack: SIPMessage
        if var dialog = leg.dialog, dialog.id.remoteTag == toTag {
            prack = dialog.makeRequest(.prack, headers: [(.rack, rack.description)]).message
            legs[id]?.dialog = dialog
        } else if var early = try? SIPDialog(uac: leg.invite, response: response) {
            // Another fork's early dialog: its CSeq space continues from the INVITE's (§7.2).
            prack = early.makeRequest(.prack, headers: [(.rack, rack.description)]).message
        } else {
            return
        }
        stack.sendRequest(prack, to: target) { _ in }
    }
}
