import B2BUA
import DialPlan
import Foundation
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallContext {
    /// REFER in a dialog of the answered call (RFC 3515): a blind transfer of the other side
    /// (the caller when the called party refers, the called party when the caller does). The
    /// Refer-To user is routed through the current dial plan as if the caller had dialled it;
    /// ``CallStateMachine/receiveTransfer(to:contacts:from:at:)`` decides; 202 Accepted or the
    /// refusal's status. Refer-To without a SIP URI user gets 400 (RFC 3515 §2.4.1 needs one),
    /// one with `Replaces` 501 (``ReferTarget``), one from a stale leg 481.
    func refer(_ transaction: SIPServerTransaction, from side: CallSide, leg: CallLegID?) {
        let request = transaction.request
        let number: String
        switch ReferTarget(referTo: request.headers[.referTo]) {
        case .number(let user): number = user
        case .refused(let status):
            // 501 for `Replaces` (attended transfer, RFC 3891): not implemented, never done blind.
            logger.info("transfer refused", metadata: ["callID": "\(callID)", "status": "\(status)"])
            return reject(transaction, status)
        }
        guard answeredLegID != nil else { return reject(transaction, 481) }
        let caller: CallRequest.Caller = switch decision.callerLeg?.kind {
        case .endpoint?: .endpoint(decision.callerLeg?.target ?? decision.caller)
        case .trunk?: .trunk(decision.callerLeg?.target ?? decision.caller)
        case nil: .unknown
        }
        let plan = service.dialPlans.current.plan
        let callRequest = CallRequest(caller: caller, source: self.transaction.context.source.ipAddress.flatMap(IPAddress.init),
                                      calledNumber: number, callerNumber: (try? invite.from)?.sipURI?.decodedUser, time: Date())
        let target = plan.route(callRequest, state: service.networkState(now: callRequest.time))
        let (contacts, found) = service.contacts(for: target, plan: plan)
        for (contact, address) in found { transferTargets[contact] = address }
        let now = Date()
        // RFC 4568 §6.1: the target's leg is a new SRTP session: fresh keys, not the referrer's.
        let keys = service.planMayUseSRTP() ? (machine?.mediaPorts(facing: side) ?? []).map { _ in MediaEngineSessions.freshKeys() } : []
        guard let (start, actions) = withMachine({
            $0.receiveTransfer(to: target, contacts: contacts, from: side, leg: leg, cryptoKeys: keys, at: now)
        })
        else { return reject(transaction, 481) }
        switch start {
        case .accepted:
            logger.info("transfer", metadata: ["callID": "\(callID)", "to": "\(number)", "route": "\(target.route?.name ?? "-")"])
            try? transaction.respond(status: 202)
        case .refused(let status):
            logger.info("transfer refused", metadata: ["callID": "\(callID)", "to": "\(number)", "status": "\(status)"])
            try? transaction.respond(status: status)
        }
        for action in actions { perform(action) }
    }

    /// ``CallAction/notifyTransfer(_:status:final:)``: NOTIFY in the referrer's dialog with
    /// `Event: refer` and the status line as message/sipfrag (RFC 3515 §2.4.4, §2.4.5; RFC 6665
    /// Subscription-State, terminated with reason `noresource` at the end).
    func notifyTransfer(_ id: CallLegID?, status: Int, final: Bool) {
        guard let stack, var referrer = route(id.map { .leg($0) } ?? .caller) else { return }
        let phrase = SIPMessage.makeResponse(to: invite, status: status).statusLine?.reason ?? ""
        let body = Array("SIP/2.0 \(status) \(phrase)\r\n".utf8)
        let notify = referrer.dialog.makeRequest(
            .notify, contact: referrer.contact,
            headers: [(.event, "refer"), (.subscriptionState, final ? "terminated;reason=noresource" : "active;expires=60")],
            body: body, contentType: "message/sipfrag;version=2.0")
        store(referrer)
        stack.sendRequest(notify.message, to: referrer.target) { _ in }
    }
}
