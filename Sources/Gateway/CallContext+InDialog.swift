import B2BUA
import Foundation
import SDP
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallContext {
    /// A request inside one of the call's dialogs (RFC 3261 §12.2.2): matched by Call-ID and
    /// tags (else 481), CSeq-checked (lower: 500), then BYE ends the call, re-INVITE/UPDATE offers
    /// go to ``CallStateMachine/receiveSessionOffer(_:from:at:)``, INFO goes to the hook or
    /// is relayed to the other leg, OPTIONS is answered 200.
    func receiveInDialog(_ transaction: SIPServerTransaction) {
        let request = transaction.request
        let side: CallSide
        var legID: CallLegID?
        if request.callID == callID {
            // In place (a copy taken out and written back retains and releases the whole dialog);
            // the remote CSeq moves on only when accepted.
            guard callerDialog?.matches(request) == true else { return reject(transaction, 481) }
            guard callerDialog?.checkSequence(of: request) == .accept else { return reject(transaction, 500) }
            side = .caller
        } else if let callID = request.callID, let id = legByCallID[callID] {
            // In place: the leg's dialog is checked and its remote CSeq moved on where it is stored.
            let check = withLeg(id) { leg -> SIPDialog.SequenceVerdict? in
                guard leg.dialog?.matches(request) == true else { return nil }
                return leg.dialog?.checkSequence(of: request)
            } ?? nil
            guard let check else { return reject(transaction, 481) }
            guard check == .accept else { return reject(transaction, 500) }
            // The leg's role: the callee's, or the caller's once the caller transferred the call.
            side = machineSide(of: id) ?? .callee
            legID = id
        } else {
            return reject(transaction, 481)
        }
        let now = Date()
        switch request.method {
        case .bye?:
            try? transaction.respond(status: 200)
            let reason = ((try? request.reason) ?? []).first
            if let legID {
                drive { $0.receiveLegBye(reason: reason, from: legID, at: now) }
            } else {
                let reason = callerByeReason(reason)
                drive { $0.receiveCallerBye(reason: reason, at: now) }
            }
        case .invite?, .update?:
            reoffer(transaction, from: side, leg: legID)
        case .info?:
            info(transaction, from: side, leg: legID)
        case .options?:
            try? transaction.respond(status: 200, headers: [(.allow, CallService.allowed), (.accept, "application/sdp")])
        case .refer?:
            refer(transaction, from: side, leg: legID)
        case .prack? where legID == nil:
            receivePrack(transaction)
        default:
            try? transaction.respond(status: 405, headers: [(.allow, CallService.allowed)])
        }
    }

    func reject(_ transaction: SIPServerTransaction, _ status: Int) {
        try? transaction.respond(status: status)
    }

    /// Hold, unhold, a codec change or a new address from one side (CallContext+Hold.swift): hold
    /// state and codec/stream changes go to the other leg (re-INVITE, or UPDATE when this was an
    /// UPDATE and that leg allows it), anything else is answered here with the anchored SDP.
    func reoffer(_ transaction: SIPServerTransaction, from side: CallSide, leg: CallLegID?) {
        let request = transaction.request
        guard answeredLegID != nil, carries(side, leg: leg) else { return reject(transaction, 491) }
        // RFC 3261 §14.2, RFC 3311 §5.2: our session refresh is out in this dialog.
        if refreshInProgress(toward: side), request.method == .invite || !request.body.isEmpty { return reject(transaction, 491) }
        guard let offer = Self.sdp(of: request) else {
            // No offer: an UPDATE refreshing the target (or a session timer, RFC 4028) gets a
            // bare 200; a re-INVITE gets our current description as the offer (RFC 3261 §14.2),
            // whose answer in the ACK is taken as unchanged.
            refreshTarget(from: request, side: side, leg: leg)
            var response = request.makeResponse(status: 200)
            response.headers.append(.contact, value: contactHeader)
            for (name, value) in sessionRefreshed(by: request, side: side, leg: leg) { response.headers.append(name, value: value) }
            if request.method == .invite, let current = machine?.currentDescription(for: side) {
                response.setBody(current.bytes, contentType: "application/sdp")
            }
            try? transaction.respond(response)
            return
        }
        receiveOffer(offer, transaction, from: side, leg: leg)
    }

    /// INFO (RFC 6086): offered to ``CallService/Hooks/info`` first (DTMF interworking), else
    /// relayed to the other leg; the sender gets that leg's final status.
    func info(_ transaction: SIPServerTransaction, from side: CallSide, leg: CallLegID?) {
        let request = transaction.request
        guard answeredLegID != nil, carries(side, leg: leg) else { return reject(transaction, 481) }
        let contentType = request.headers[.contentType]
        if Self.isDTMFInfo(contentType), receiveDTMFInfo(transaction, from: side) { return }
        if let hook = service.hooks.info {
            let offered = CallInfoRequest(callID: callID, side: side, contentType: contentType, body: Array(request.body),
                                          request: request)
            if case .consume(let status) = hook(offered) {
                try? transaction.respond(status: status)
                return
            }
        }
        guard let stack else { return reject(transaction, 500) }
        guard let made = makeRequest(toward: side.other, .info, contact: false, body: Array(request.body),
                                     contentType: contentType) else { return reject(transaction, 481) }
        stack.sendRequest(made.message, to: made.route.target) { event in
            guard event.isFinal else { return }
            try? transaction.respond(status: event.statusCode)
        }
    }

    /// Sends an INFO of our own into one leg of the answered call (``CallService/sendInfo``);
    /// `completion` gets the final status (408/503 for a timeout or transport error), or nil
    /// when the call has no answered dialog on that side.
    func sendInfo(toward side: CallSide, contentType: String, body: [UInt8], completion: @escaping @Sendable (Int?) -> Void) {
        guard let stack, answeredLegID != nil, !finished,
              let made = makeRequest(toward: side, .info, contact: false, body: body, contentType: contentType)
        else { return completion(nil) }
        stack.sendRequest(made.message, to: made.route.target) { event in
            if event.isFinal { completion(event.statusCode) }
        }
    }
}
