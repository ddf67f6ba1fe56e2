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
    /// The running retransmission timer.
    var timer: TimerHandle?
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

    /// ``CallAction/sendReliableProvisionalToCaller(status:sdp:)``: the 18x with our offer, made
    /// reliable (RFC 3262 §3: `Require: 100rel`, an `RSeq` chosen at random in 1…2^31−1 for the
    /// first, the caller's Record-Route and our Contact as for any dialog-creating response),
    /// retransmitted at T1, 2·T1, 4·T1… until the PRACK; after 64·T1 the machine fails the call.
    func sendReliableProvisional(status: Int, sdp: SessionDescription) {
        let rseq = reliableOut.map { $0.rseq &+ 1 } ?? UInt32.random(in: 1...(1 << 30))
        var response = invite.makeResponse(status: status, toTag: callerTag)
        for value in invite.headers.values(.recordRoute) { response.headers.append(.recordRoute, bytes: value) }
        response.headers.append(.contact, value: contactHeader)
        response.headers.append(.require, value: OptionTags.reliableProvisional)
        response.headers.append(.rseq, value: String(rseq))
        response.headers.append(.allow, value: CallService.allowed)
        response.setBody(Array(sdp.text.utf8), contentType: "application/sdp")
        noteSDP(of: response, "caller: offer sent with reliable \(status)")
        if callerDialog == nil { callerDialog = try? SIPDialog(uas: invite, response: response) } else {
            callerDialog?.update(with: response)
        }
        if let running = reliableOut?.timer { shard.timerWheel.cancel(running) }
        reliableOut = ReliableProvisionalOut(response: response, rseq: rseq, interval: Self.reliableT1)
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
        guard out.elapsed + out.interval <= Self.reliableT1 * 64 else {
            reliableOut?.timer = shard.timerWheel.schedule(after: out.interval) { [self] in
                reliableOut?.timer = nil
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
        noteSDP(of: prack, "caller: answer received in PRACK")
        let answer = Self.sdp(of: prack)
        if answer == nil { logger.info("no answer in the PRACK to our offer", metadata: ["callID": "\(callID)"]) }
        drive { $0.receiveCallerEarlyAnswer(answer, at: Date()) }
    }

    /// True when `prack`'s RAck names the reliable provisional `rseq` of `invite` (RFC 3262 §3:
    /// response number, CSeq number and method).
    static func prackMatches(_ prack: SIPMessage, rseq: UInt32, invite: SIPMessage) -> Bool {
        guard let rack = try? prack.rack, let cseq = invite.cseqNumber else { return false }
        return rack.responseNumber == rseq && rack.cseqNumber == cseq && rack.method == "INVITE"
    }
}
