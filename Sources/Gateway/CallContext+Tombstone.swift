import B2BUA
import NIOCore
import SIPCore
import SIPStack
import SIPTransport

/// What a finished call keeps for ``CallService/linger`` instead of its whole ``CallContext``
/// (legs, dialogs, timeline, SDPs: ~20 KB): enough to answer what may still arrive for its
/// Call-IDs. Retransmitted requests are absorbed by the stack's transactions; the tombstone
/// answers the new requests a finished call can still get and ACKs a retransmitted 2xx of an
/// answered leg (RFC 3261 §13.2.2.4). Confined to its shard's loop, like the context.
final class EndedCall: @unchecked Sendable {
    /// The dialogs the call had (caller's and each leg's), for in-dialog requests.
    let dialogs: Set<SIPDialog.ID>
    /// Per answered leg's Call-ID: the ACK template (from the leg's dialog) and where it goes.
    let acks: [String: (template: SIPMessage, target: SIPTransportTarget)]

    init(dialogs: Set<SIPDialog.ID>, acks: [String: (template: SIPMessage, target: SIPTransportTarget)]) {
        self.dialogs = dialogs
        self.acks = acks
    }

    /// A request for one of the call's Call-IDs after its end, as the lingering call answered
    /// it: without a To tag an INVITE gets 482 (RFC 3261 §8.2.2.2: the Call-ID is the ended
    /// call's, not a new call) and any other method 481; in one of its dialogs a BYE (crossing
    /// ours) and OPTIONS get 200, anything else 481 (§12.2.2: the dialog is gone); outside them 481.
    /// `tagged`: the response gets a new To tag (the request had none).
    func answer(to request: SIPMessage) -> (status: Int, tagged: Bool) {
        guard request.toTag != nil else { return (request.method == .invite ? 482 : 481, true) }
        guard let id = SIPDialog.incomingID(of: request), dialogs.contains(id) else { return (481, false) }
        switch request.method {
        case .bye?, .options?: return (200, false)
        default: return (481, false)
        }
    }

    /// Answers `transaction` per ``answer(to:)``; a 200 to OPTIONS lists what a call allows.
    func receive(_ transaction: SIPServerTransaction) {
        let request = transaction.request
        let (status, tagged) = answer(to: request)
        if tagged {
            try? transaction.respond(status: status, toTag: SIPMessage.makeTag())
        } else if status == 200, request.method == .options {
            try? transaction.respond(status: 200, headers: [(.allow, CallService.allowed), (.accept, "application/sdp")])
        } else {
            try? transaction.respond(status: status)
        }
    }

    /// A response on a leg's INVITE transaction after the context is gone: a retransmitted 2xx
    /// is ACKed again with the same ACK (§13.2.2.4); anything else is moot.
    func receive(_ event: SIPClientEvent, legCallID: String, stack: SIPStack?) {
        guard case .final(let response) = event, let status = response.statusCode, status < 300,
              let ack = acks[legCallID], let stack else { return }
        _ = stack.sendAck(for: ack.template, response: response, to: ack.target)
    }
}

@available(macOS 15.0, *)
extension CallContext {
    /// No leg has an INVITE still waiting for its final response (a CANCEL racing a 2xx needs
    /// the whole call: the machine ACKs and BYEs that leg).
    var legsSettled: Bool {
        legs.values.allSatisfy { $0.transaction == nil || $0.finalReceived }
    }

    /// The call's tombstone: its dialogs and answered legs' ACKs.
    func tombstone() -> EndedCall {
        var dialogs: Set<SIPDialog.ID> = []
        if let dialog = callerDialog { dialogs.insert(dialog.id) }
        var acks: [String: (template: SIPMessage, target: SIPTransportTarget)] = [:]
        forEachLeg { leg in
            if let dialog = leg.dialog { dialogs.insert(dialog.id) }
            if let template = leg.ackTemplate, let target = leg.target { acks[leg.callID] = (template, target) }
        }
        return EndedCall(dialogs: dialogs, acks: acks)
    }

    /// The end of the call for the shard: with every leg settled, the context leaves the shard
    /// now (its memory is freed) and a tombstone answers for its Call-IDs until the linger time
    /// is over; the admin API finds it among the recent calls from now on. Otherwise the whole
    /// context lingers, as a late leg response still needs it.
    func leaveShard() {
        let shard = self.shard
        let callIDs = [callID] + Array(legByCallID.keys)
        guard legsSettled else {
            shard.timerWheel.schedule(in: CallService.linger) { [self] in
                shard.calls[callID] = nil
                for legCallID in legByCallID.keys { shard.calls[legCallID] = nil }
                service.remember(adminCall)
            }
            return
        }
        let tombstone = tombstone()
        for id in callIDs {
            if shard.calls[id] === self { shard.calls[id] = nil }
            shard.ended[id] = tombstone
        }
        service.remember(adminCall)
        shard.timerWheel.schedule(in: CallService.linger) {
            for id in callIDs where shard.ended[id] === tombstone { shard.ended[id] = nil }
        }
    }
}
