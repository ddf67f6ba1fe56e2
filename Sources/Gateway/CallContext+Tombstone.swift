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
    /// The dialogs the call had (caller's and each leg's), for in-dialog requests (a few: a
    /// list, nothing hashed when the call ends).
    let dialogs: [SIPDialog.ID]
    /// Per answered leg's Call-ID: the ACK template (from the leg's dialog) and where it goes.
    let acks: [String: (template: SIPMessage, target: SIPTransportTarget)]
    /// The caller's INVITE as RFC 3261 §8.2.2.2 compares requests (nil: unknown, every INVITE
    /// without To tag counts as merged).
    let original: OriginalInvite?

    /// What identifies the caller's INVITE for the merged-request check (RFC 3261 §8.2.2.2).
    struct OriginalInvite: Sendable, Equatable {
        var fromTag: String?
        var cseq: UInt32?
        var branch: String?

        init(fromTag: String?, cseq: UInt32?, branch: String?) {
            self.fromTag = fromTag
            self.cseq = cseq
            self.branch = branch
        }

        init(_ invite: SIPMessage) {
            self.init(fromTag: invite.fromTag, cseq: invite.cseqNumber, branch: invite.topViaBranch)
        }
    }

    /// What the tombstone does with a request for one of its Call-IDs.
    enum Disposition: Sendable, Equatable {
        /// Answered here with this status; `tagged`: with a new To tag (the request had none).
        case answer(status: Int, tagged: Bool)
        /// An INVITE starting a new call that reuses the ended call's Call-ID: not the tombstone's.
        case newCall
    }

    init(dialogs: [SIPDialog.ID], acks: [String: (template: SIPMessage, target: SIPTransportTarget)],
         original: OriginalInvite? = nil) {
        self.dialogs = dialogs
        self.acks = acks
        self.original = original
    }

    /// A request for one of the call's Call-IDs after its end, as the lingering call answered
    /// it. Without a To tag: an INVITE with the original's From tag and CSeq but another branch
    /// is a merged request (RFC 3261 §8.2.2.2): 482; the same branch is a stale copy of the
    /// ended transaction: 481; any other INVITE is a new call reusing the Call-ID (§8.2.2.2
    /// applies to merged requests only); other methods get 481. In one of its dialogs a BYE
    /// (crossing ours) and OPTIONS get 200, anything else 481 (§12.2.2: the dialog is gone);
    /// outside them 481.
    func disposition(of request: SIPMessage) -> Disposition {
        guard request.toTag != nil else {
            guard request.method == .invite else { return .answer(status: 481, tagged: true) }
            guard let original else { return .answer(status: 482, tagged: true) }
            switch CallIDReuse(request, original: original) {
            case .merged: return .answer(status: 482, tagged: true)
            case .stale: return .answer(status: 481, tagged: true)
            case .newCall: return .newCall
            }
        }
        guard let id = SIPDialog.incomingID(of: request), dialogs.contains(id) else { return .answer(status: 481, tagged: false) }
        switch request.method {
        case .bye?, .options?: return .answer(status: 200, tagged: false)
        default: return .answer(status: 481, tagged: false)
        }
    }

    /// Answers `transaction` per ``disposition(of:)``; a 200 to OPTIONS lists what a call allows.
    /// False (nothing answered) for a new call reusing the Call-ID.
    func receive(_ transaction: SIPServerTransaction) -> Bool {
        let request = transaction.request
        guard case .answer(let status, let tagged) = disposition(of: request) else { return false }
        if tagged {
            try? transaction.respond(status: status, toTag: SIPMessage.makeTag())
        } else if status == 200, request.method == .options {
            try? transaction.respond(status: 200, headers: [(.allow, CallService.allowed), (.accept, "application/sdp")])
        } else {
            try? transaction.respond(status: status)
        }
        return true
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
        var dialogs: [SIPDialog.ID] = []
        if let dialog = callerDialog { dialogs.append(dialog.id) }
        var acks: [String: (template: SIPMessage, target: SIPTransportTarget)] = [:]
        forEachLeg { leg in
            if let dialog = leg.dialog { dialogs.append(dialog.id) }
            if let template = leg.ackTemplate, let target = leg.target { acks[leg.callID] = (template, target) }
        }
        return EndedCall(dialogs: dialogs, acks: acks, original: .init(invite))
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
                service.remember(summary)
            }
            return
        }
        let tombstone = tombstone()
        // One hash of each Call-ID per table (index, then remove at it).
        for id in callIDs {
            if let index = shard.calls.index(forKey: id), shard.calls.values[index] === self { shard.calls.remove(at: index) }
            shard.ended[id] = tombstone
        }
        service.remember(summary)
        shard.timerWheel.schedule(in: CallService.linger) {
            for id in callIDs {
                if let index = shard.ended.index(forKey: id), shard.ended.values[index] === tombstone { shard.ended.remove(at: index) }
            }
        }
    }
}
