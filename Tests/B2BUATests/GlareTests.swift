@testable import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// RFC 3261 §14.1 on the gateway's own re-INVITEs: while one is pending or in its back-off on a
/// dialog, the peer's offer on that dialog is handled (answered or relayed, never into a dialog
/// whose own INVITE is unanswered), the retry waits until no INVITE is in progress in either
/// direction there, and a peer answering 491 forever ends the retries.
@Suite struct GlareTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let carol = ["carol": ["sip:carol@10.0.0.9:5060"]]
    let leg1 = CallLegID(1)
    let leg2 = CallLegID(2)

    func answered() throws -> CallHarness {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        return call
    }

    /// The callee's own offer, `direction` for audio.
    static func calleeOffer(_ call: CallHarness, _ direction: String, leg: CallLegID, address: String) throws -> SessionDescription {
        try call.peerOffer(from: leg, direction: direction, address: address)
    }

    @Test func thePeersOfferDuringTheBackoffIsNotRelayedIntoABusyDialog() throws {
        var call = try answered()
        let hold = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        #expect(hold.outcome == .forwarded)
        _ = call.machine.receiveReinviteResponse(491, sdp: nil, from: .callee, at: call.now, backoff: 0)
        // The callee's own hold (the offer that crossed ours) comes again during our back-off:
        // the caller's INVITE still waits for its answer, so nothing may go into its dialog.
        let calleeHold = call.machine.receiveSessionOffer(try Self.calleeOffer(call, "sendonly", leg: leg1, address: "10.0.0.7"),
                                                          from: .callee, at: call.now)
        guard case .answered(let answer) = calleeHold.outcome else { Issue.record("\(calleeHold.outcome)"); return }
        #expect(answer.text.contains("a=recvonly"))
        #expect(HoldTests.reinvite(in: calleeHold.actions, toward: .caller) == nil)
        // Our retry toward the callee goes (its own INVITE was answered at once).
        let retried = call.machine.timerFired(.reinviteRetry(.callee), at: call.now)
        #expect(HoldTests.reinvite(in: retried, toward: .callee)?.text.contains("a=sendonly") == true)
    }

    @Test func theRetryWaitsForThePeersOwnReinvite() throws {
        var call = try answered()
        // RFC 5589 §6: the callee holds the caller, then transfers it to carol.
        let held = call.machine.receiveSessionOffer(try Self.calleeOffer(call, "sendonly", leg: leg1, address: "10.0.0.7"),
                                                    from: .callee, at: call.now)
        let holdOffer = try #require(HoldTests.reinvite(in: held.actions, toward: .caller))
        _ = call.record(call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: holdOffer, codecs: [.pcmu], address: "192.168.10.2"), from: .caller, at: call.now))
        _ = call.record(call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .callee,
                                                     at: call.now).actions)
        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(HoldTests.reinvite(in: done, toward: .caller)?.text.contains("a=sendrecv") == true, "the resume")
        // The caller's own hold crosses the resume: 491, back-off.
        let backoff = call.machine.receiveReinviteResponse(491, sdp: nil, from: .caller, at: call.now, backoff: 0.5)
        #expect(backoff == [.startTimer(.reinviteRetry(.caller), after: .milliseconds(1000))])
        let callerHold = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 3), from: .caller, at: call.now)
        #expect(callerHold.outcome == .forwarded, "carol's dialog is free")
        let toCarol = try #require(HoldTests.reinvite(in: callerHold.actions, toward: .callee))
        // The back-off ends while the caller's INVITE waits for carol: nothing into its dialog.
        #expect(call.machine.timerFired(.reinviteRetry(.caller), at: call.now).isEmpty)
        // Carol answers: the caller's INVITE is answered first, then the retry goes.
        let settled = call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: toCarol, codecs: [.pcmu], address: "10.0.0.9"), from: .callee, at: call.now)
        let answered = settled.firstIndex { if case .answerPendingOffer(.caller, _) = $0 { true } else { false } }
        let retry = settled.firstIndex { if case .sendReinvite(.caller, _) = $0 { true } else { false } }
        #expect(answered != nil && retry != nil && (answered ?? 0) < (retry ?? 0), "\(settled)")
        #expect(call.machine.isReinvitePending(toward: .caller))
    }

    @Test func aPeerAnswering491ForeverEndsTheRetries() throws {
        var call = try answered()
        _ = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        for _ in 0..<HoldRelay.glareRetryLimit {
            let backoff = call.machine.receiveReinviteResponse(491, sdp: nil, from: .callee, at: call.now, backoff: 0)
            #expect(backoff == [.startTimer(.reinviteRetry(.callee), after: .milliseconds(2100))])
            #expect(HoldTests.reinvite(in: call.machine.timerFired(.reinviteRetry(.callee), at: call.now), toward: .callee) != nil)
        }
        let gaveUp = call.machine.receiveReinviteResponse(491, sdp: nil, from: .callee, at: call.now, backoff: 0)
        #expect(!gaveUp.contains { if case .startTimer = $0 { true } else { false } })
        #expect(HoldTests.reinvite(in: gaveUp, toward: .callee) == nil)
        #expect(HoldTests.pendingAnswer(in: gaveUp, for: .caller)?.text.contains("a=recvonly") == true,
                "the caller's hold is answered locally, the gateway holds the media itself")
        #expect(!call.machine.isReinvitePending(toward: .callee) && !call.machine.isEnded)
        #expect(call.machine.timerFired(.reinviteRetry(.callee), at: call.now).isEmpty)
    }

    @Test func aRefusedHoldIsNotSentAgainAtOnce() throws {
        var call = try answered()
        _ = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        let refused = call.machine.receiveReinviteResponse(488, sdp: nil, from: .callee, at: call.now)
        #expect(HoldTests.reinvite(in: refused, toward: .callee) == nil, "the same offer again would loop on 488")
        #expect(!call.machine.isReinvitePending(toward: .callee))
    }
}
