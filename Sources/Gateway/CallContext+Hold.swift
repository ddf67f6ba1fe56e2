import B2BUA
import Foundation
import SDP
import SIPCore
import SIPStack
import SIPTransport

/// An in-dialog offer waiting for the other leg's answer (``ReofferOutcome/forwarded``); its
/// method (re-INVITE or UPDATE) picks the method of the offer passed on.
struct PendingOffer {
    var transaction: SIPServerTransaction
    var leg: CallLegID?
}

@available(macOS 15.0, *)
extension CallContext {
    /// An offer in a re-INVITE or UPDATE from one side of the answered call, given to
    /// ``CallStateMachine/receiveSessionOffer(_:from:at:)``: answered now, rejected (491 glare,
    /// 500 with Retry-After while its previous offer is pending, 488), or held until the other
    /// leg has answered the gateway's re-INVITE or UPDATE (hold/unhold or a codec change passed
    /// across).
    func receiveOffer(_ offer: SessionDescription, _ transaction: SIPServerTransaction, from side: CallSide,
                      leg: CallLegID?) {
        let now = Date()
        guard let (outcome, actions) = withMachine({ $0.receiveSessionOffer(offer, from: side, at: now) }) else {
            return reject(transaction, 488)
        }
        let request = transaction.request
        switch outcome {
        case .answered(let answer):
            refreshTarget(from: request, side: side, leg: leg)
            answerOffer(transaction, side: side, leg: leg, sdp: answer)
        case .rejected(let status):
            // RFC 3261 §14.2: a 500 to an offer crossing a pending one carries Retry-After 0–10 s.
            let headers: [(HeaderName, String)] = status == 500 ? [(.retryAfter, String(Int.random(in: 0...10)))] : []
            try? transaction.respond(status: status, headers: headers)
        case .forwarded:
            refreshTarget(from: request, side: side, leg: leg)
            pendingOffers[side] = PendingOffer(transaction: transaction, leg: leg)
            logger.info("offer passed to the other leg", metadata: ["callID": "\(callID)", "from": "\(side)",
                                                                   "method": "\(request.method?.rawValue ?? "?")"])
        }
        for action in actions { perform(action) }
    }

    func refreshTarget(from request: SIPMessage, side: CallSide, leg: CallLegID?) {
        // The dialog the request came in (the caller's role may be carried by a leg, CallContext+Roles).
        if let leg { legs[leg]?.dialog?.refreshTarget(from: request) } else { callerDialog?.refreshTarget(from: request) }
    }

    /// 200 with our SDP to an in-dialog offer (and the session-timer fields, RFC 4028 §9).
    func answerOffer(_ transaction: SIPServerTransaction, side: CallSide, leg: CallLegID?, sdp: SessionDescription) {
        let request = transaction.request
        var response = request.makeResponse(status: 200)
        response.headers.append(.contact, value: contactHeader)
        for (name, value) in sessionRefreshed(by: request, side: side, leg: leg) { response.headers.append(name, value: value) }
        response.setBody(sdp.bytes, contentType: "application/sdp")
        try? transaction.respond(response)
    }

    /// The call ended with offers still waiting for the other leg: they get 487 (RFC 3261
    /// §15.1.2: the BYE ends pending requests of the dialog).
    func endPendingOffers() {
        for pending in pendingOffers.values { try? pending.transaction.respond(status: 487) }
        pendingOffers.removeAll()
    }

    /// ``CallAction/answerPendingOffer(_:sdp:)``.
    func answerPendingOffer(_ side: CallSide, sdp: SessionDescription) {
        guard let pending = pendingOffers.removeValue(forKey: side) else { return }
        answerOffer(pending.transaction, side: side, leg: pending.leg, sdp: sdp)
    }

    /// ``CallAction/rejectPendingOffer(_:status:)``: the other side refused the forwarded change.
    func rejectPendingOffer(_ side: CallSide, status: Int) {
        guard let pending = pendingOffers.removeValue(forKey: side) else { return }
        // RFC 3261 §14.2: a 500 to an offer carries Retry-After.
        let headers: [(HeaderName, String)] = status == 500 ? [(.retryAfter, String(Int.random(in: 0...10)))] : []
        try? pending.transaction.respond(status: status, headers: headers)
    }

    /// True when the peer of `side` listed UPDATE in its `Allow` (the caller's INVITE, the
    /// answered leg's 2xx): the gateway may offer to it in an UPDATE (RFC 3311 §5.1).
    func peerAllowsUpdate(_ side: CallSide) -> Bool {
        let allow: String?
        switch side {
        case .caller:
            if case .leg(let id)? = dialogKey(of: .caller) { allow = legs[id]?.success?.headers[.allow] } else { allow = invite.headers[.allow] }
        case .callee: allow = answeredLegID.flatMap { legs[$0]?.success?.headers[.allow] }
        }
        return Self.allowsUpdate(allow)
    }

    /// True when an Allow header value (RFC 3261 §20.5: a comma-separated method list) names
    /// UPDATE (RFC 3311): as a token, not a substring.
    static func allowsUpdate(_ allow: String?) -> Bool {
        guard let allow else { return false }
        return allow.utf8.split(separator: UInt8(ascii: ",")).contains { token in
            let trimmed = token.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }
            return trimmed.count == 6 && zip(trimmed.reversed(), "UPDATE".utf8).allSatisfy { $0 & 0xDF == $1 }
        }
    }

    /// ``CallAction/sendReinvite(_:offer:)``: a re-INVITE in the side's dialog (the caller's, sent
    /// back to where it sends from; the answered leg's, to its target), or an UPDATE (RFC 3311)
    /// when the offer it carries on came in an UPDATE and that side allows UPDATE. The final
    /// response goes to the machine; a 2xx to a re-INVITE is ACKed in the dialog (RFC 3261
    /// §13.2.2.4), a timeout or transport error counts as 408 (§14.1).
    func sendReinvite(toward side: CallSide, offer: SessionDescription) {
        guard let stack, !finished else { return }
        // No dialog to send in: the machine hears a 500 (on the next turn, never re-entered), so
        // the waiting offer is answered locally.
        let unsendable = { [self] in
            self.shard.eventLoop.execute { self.drive { $0.receiveReinviteResponse(500, sdp: nil, from: side, at: Date()) } }
        }
        let method: SIPMethod = pendingOffers[side.other]?.transaction.request.method == .update && peerAllowsUpdate(side)
            ? .update : .invite
        guard let made = makeRequest(toward: side, method, contact: true, body: offer.bytes,
                                     contentType: "application/sdp", headers: [(.allow, CallService.allowed)])
        else { return unsendable() }
        let (request, route) = (made.message, made.route)
        let shard = self.shard
        stack.sendRequest(request, to: route.target) { [self] event in
            guard event.isFinal else { return }
            shard.eventLoop.execute { self.reinviteAnswered(side, event, request: request, route: route) }
        }
    }

    /// The final response to our re-INVITE sent through `route`: a 2xx is ACKed in that dialog.
    func reinviteAnswered(_ side: CallSide, _ event: SIPClientEvent, request: SIPMessage, route: CallDialogRoute) {
        guard !finished else { return }
        var sdp: SessionDescription?
        if case .final(let response) = event, (200..<300).contains(event.statusCode) {
            if request.method == .invite, let current = dialog(route.key), let stack {
                let ack = current.makeAck(inviteSequence: request.cseqNumber ?? 1).message
                _ = stack.sendAck(for: ack, response: response, to: route.target)
            }
            sdp = Self.sdp(of: response)
            // RFC 4028 §10: a 2xx to a re-INVITE refreshes that dialog's session.
            let key = route.key
            if sessionTimers[key] != nil {
                sessionTimers[key]?.timer.refreshed(at: Date())
                scheduleSessionTimer(key)
            }
        }
        let status = event.statusCode
        drive { $0.receiveReinviteResponse(status, sdp: sdp, from: side, at: Date()) }
    }
}
