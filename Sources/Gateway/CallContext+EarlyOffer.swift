import B2BUA
import Foundation
import SDP
import SIPCore
import SIPStack

/// A reliable provisional response the gateway sent to the caller (RFC 3262 §3), retransmitted
/// until its PRACK.
struct ReliableProvisionalOut {
    /// The 18x as sent (with `Require: 100rel` and `RSeq`).
    var response: SIPMessage
    /// Its RSeq.
    var rseq: UInt32
    /// The next retransmission interval (T1, doubling).
    var interval: Duration
    /// Time since the first transmission, for the 64·T1 give-up.
    var elapsed: Duration = .zero
    /// The running retransmission timer (nil once acknowledged).
    var timer: TimerHandle?
    /// Provisionals waiting for this one's PRACK (RFC 3262 §3: one unacknowledged at a time).
    var queued: [(status: Int, sdp: SessionDescription?)] = []
}

@available(macOS 15.0, *)
extension CallContext {
    /// RFC 3261 §17.1.1.1 T1, the first retransmission interval of a reliable provisional
    /// (RFC 3262 §3); the gateway gives up after 64·T1.
    static let reliableT1: Duration = .milliseconds(500)

    /// The caller's INVITE lists `100rel` in `Supported` or `Require` (RFC 3262 §4): it accepts
    /// reliable provisionals and will PRACK them.
    var callerSupportsReliable: Bool {
        let supported = (try? invite.supported)?.contains(OptionTags.reliableProvisional) ?? false
        return supported || ((try? invite.require)?.contains(OptionTags.reliableProvisional) ?? false)
    }

    /// The caller's INVITE has `Require: 100rel`: every provisional but 100 goes reliably (RFC 3262 §3).
    var callerRequiresReliable: Bool {
        (try? invite.require)?.contains(OptionTags.reliableProvisional) ?? false
    }

    /// A provisional for the caller (``CallAction/sendReliableProvisionalToCaller(status:sdp:)``,
    /// or any 18x when the caller requires 100rel): sent reliably now, or after the PRACK of the
    /// one still unacknowledged (RFC 3262 §3: no second reliable provisional before that).
    func sendReliably(status: Int, sdp: SessionDescription?) {
        if reliableOut?.timer != nil {
            reliableOut?.queued.append((status, sdp))
            return
        }
        sendReliableProvisional(status: status, sdp: sdp)
    }

    /// The 18x made reliable (RFC 3262 §3: `Require: 100rel`, an `RSeq` chosen at random in
    /// 1…2^30 for the first (§3 allows up to 2^31−1; the rest leaves room for the increments)
    /// and one more for each next, the caller's Record-Route and our
    /// Contact as for any dialog-creating response), retransmitted at T1, 2·T1, 4·T1… until the
    /// PRACK; after 64·T1 without one the machine fails the call (500) while the INVITE has no
    /// final response (``CallStateMachine/receiveCallerPrackTimeout(at:)``), with or without SDP.
    func sendReliableProvisional(status: Int, sdp: SessionDescription?) {
        let rseq = reliableOut.map { $0.rseq &+ 1 } ?? UInt32.random(in: 1...(1 << 30))
        var response = invite.makeResponse(status: status, toTag: callerTag)
        for value in invite.headers.values(.recordRoute) { response.headers.append(.recordRoute, bytes: value) }
        response.headers.append(.contact, value: contactHeader)
        response.headers.append(.require, value: OptionTags.reliableProvisional)
        response.headers.append(.rseq, value: String(rseq))
        response.headers.append(.allow, value: CallService.allowed)
        if let sdp {
            response.setBody(sdp.bytes, contentType: "application/sdp")
            noteSDP(of: response, "caller: SDP sent with reliable \(status)")
        }
        if callerDialog == nil { callerDialog = try? SIPDialog(uas: invite, response: response) } else {
            callerDialog?.update(with: response)
        }
        if let running = reliableOut?.timer { shard.timerWheel.cancel(running) }
        let queued = reliableOut?.queued ?? []
        reliableOut = ReliableProvisionalOut(response: response, rseq: rseq, interval: Self.reliableT1, queued: queued)
        transmitReliable()
    }

    /// Sends the reliable provisional (again) and schedules its next retransmission.
    private func transmitReliable() {
        guard let out = reliableOut, !finished else { return }
        do { try transaction.respond(out.response) } catch {
            // A final response went out meanwhile: nothing more to retransmit.
            reliableOut?.timer = nil
            return
        }
        guard case .retransmit = Self.reliableStep(elapsed: out.elapsed, interval: out.interval) else {
            let remaining = Self.reliableT1 * 64 - out.elapsed
            reliableOut?.timer = shard.timerWheel.schedule(after: remaining) { [self] in
                reliableOut?.timer = nil
                reliableOut?.queued.removeAll()
                guard reliableOut != nil else { return }
                logger.info("no PRACK from the caller", metadata: ["callID": "\(callID)"])
                drive { $0.receiveCallerPrackTimeout(at: Date()) }
            }
            return
        }
        reliableOut?.timer = shard.timerWheel.schedule(after: out.interval) { [self] in
            reliableOut?.timer = nil
            reliableOut?.elapsed += out.interval
            reliableOut?.interval = out.interval * 2
            transmitReliable()
        }
    }

    /// The caller's INVITE gets its final response: a reliable provisional still unacknowledged
    /// is no longer retransmitted (RFC 3262 §3 ties them to the pending INVITE), its 64·T1
    /// give-up no longer applies, and no queued provisional follows the final response.
    func stopReliableRetransmissions() {
        reliableOut?.queued.removeAll()
        guard let timer = reliableOut?.timer else { return }
        shard.timerWheel.cancel(timer)
        reliableOut?.timer = nil
    }

    /// What follows a transmission of a reliable provisional.
    enum ReliableStep: Equatable {
        /// Send it again after this interval.
        case retransmit(after: Duration)
        /// No more retransmissions: without a PRACK in this time the call fails.
        case giveUp(after: Duration)
    }

    /// RFC 3262 §3: retransmissions at T1, 2·T1, 4·T1… for 64·T1 in all; `elapsed` since the
    /// first transmission, `interval` the next one.
    static func reliableStep(elapsed: Duration, interval: Duration) -> ReliableStep {
        let remaining = reliableT1 * 64 - elapsed
        return interval < remaining ? .retransmit(after: interval) : .giveUp(after: remaining)
    }

    /// The caller's PRACK (RFC 3262 §3, in its early dialog, already matched and CSeq-checked):
    /// one matching the unacknowledged reliable provisional (`RAck`: its RSeq, the INVITE's CSeq
    /// number and method) stops the retransmissions, gets 200, and its SDP goes to the machine as
    /// the answer to our offer; any other gets 481.
    func receivePrack(_ transaction: SIPServerTransaction) {
        let prack = transaction.request
        guard let out = reliableOut, out.timer != nil || machine?.isAwaitingEarlyAnswer == true,
              Self.prackMatches(prack, rseq: out.rseq, invite: invite) else {
            try? transaction.respond(status: 481)
            return
        }
        if let timer = out.timer { shard.timerWheel.cancel(timer) }
        reliableOut?.timer = nil
        try? transaction.respond(status: 200)
        if machine?.isAwaitingEarlyAnswer == true {
            noteSDP(of: prack, "caller: answer received in PRACK")
            let answer = Self.sdp(of: prack)
            if answer == nil { logger.info("no answer in the PRACK to our offer", metadata: ["callID": "\(callID)"]) }
            drive { $0.receiveCallerEarlyAnswer(answer, at: Date()) }
        }
        // The next provisional that waited for this PRACK (moot once a final response went out).
        guard !finished, let next = reliableOut?.queued.first else { return }
        reliableOut?.queued.removeFirst()
        sendReliableProvisional(status: next.status, sdp: next.sdp)
    }

    /// True when `prack`'s RAck names the reliable provisional `rseq` of `invite` (RFC 3262 §3:
    /// response number, CSeq number and method).
    static func prackMatches(_ prack: SIPMessage, rseq: UInt32, invite: SIPMessage) -> Bool {
        guard let rack = try? prack.rack, let cseq = invite.cseqNumber else { return false }
        return rack.responseNumber == rseq && rack.cseqNumber == cseq && rack.method == "INVITE"
    }
}
