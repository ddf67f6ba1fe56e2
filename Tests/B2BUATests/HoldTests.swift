@testable import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// Hold and unhold passed across the legs (RFC 3264 §8.4) and glare on the gateway's own
/// re-INVITEs (RFC 3261 §14.1, §14.2).
@Suite struct HoldTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let leg1 = CallLegID(1)

    static func doorOffer(_ direction: String, version: Int, address: String = "192.168.10.2") throws -> SessionDescription {
        try SDPParser().parse(CallHarness.doorReoffer(version: version, direction: direction,
                                                      edits: [("c=IN IP4 192.168.10.2", "c=IN IP4 \(address)")]))
    }

    /// An answered call (alice took PCMU).
    func answered() throws -> CallHarness {
        try CallHarness.answered(contacts: alice)
    }

    static func reinvite(in actions: [CallAction], toward side: CallSide) -> SessionDescription? {
        for case .sendReinvite(let target, let offer) in actions where target == side { return offer }
        return nil
    }

    static func pendingAnswer(in actions: [CallAction], for side: CallSide) -> SessionDescription? {
        for case .answerPendingOffer(let target, let sdp) in actions where target == side { return sdp }
        return nil
    }

    @Test func callerHoldAndResumeReachTheCallee() throws {
        var call = try answered()
        let hold = call.machine.receiveSessionOffer(try Self.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        #expect(hold.outcome == .forwarded)
        let offer = try #require(Self.reinvite(in: hold.actions, toward: .callee))
        #expect(offer.text.contains("a=sendonly") && !offer.text.contains("a=sendrecv"), "\(offer.text)")
        #expect(offer.text.contains("m=audio 30004"), "the gateway's callee-side port")
        #expect(offer.origin.sessionVersion == "2", "one above the INVITE's offer")
        #expect(call.machine.isOnHold)
        #expect(call.machine.receiveMediaTimeout(at: call.now).isEmpty, "no media timeout while on hold")

        let calleeAnswer = try CallHarness.answer(to: offer, codecs: [.pcmu], address: "10.0.0.7")
        #expect(calleeAnswer.text.contains("a=recvonly"))
        let settled = call.machine.receiveReinviteResponse(200, sdp: calleeAnswer, from: .callee, at: call.now)
        let callerAnswer = try #require(Self.pendingAnswer(in: settled, for: .caller))
        #expect(callerAnswer.text.contains("a=recvonly") && callerAnswer.text.contains("m=audio 30000"))
        #expect(callerAnswer.origin.sessionVersion == "2", "changed from the first answer: version + 1")
        #expect(settled.contains { if case .updateMedia(let plan) = $0 { plan.callee.session.audio?.direction == .sendonly } else { false } })

        let resume = call.machine.receiveSessionOffer(try Self.doorOffer("sendrecv", version: 3), from: .caller, at: call.now)
        #expect(resume.outcome == .forwarded)
        let unhold = try #require(Self.reinvite(in: resume.actions, toward: .callee))
        #expect(unhold.text.contains("a=sendrecv") && unhold.origin.sessionVersion == "3")
        let resumed = call.machine.receiveReinviteResponse(200, sdp: try CallHarness.answer(to: unhold, codecs: [.pcmu], address: "10.0.0.7"),
                                                           from: .callee, at: call.now)
        #expect(Self.pendingAnswer(in: resumed, for: .caller)?.text.contains("a=sendrecv") == true)
        #expect(!call.machine.isOnHold)
        #expect(call.machine.receiveMediaTimeout(at: call.now).contains(.sendByeToCaller(reason: Q850Cause.reason(102))),
                "the media timeout applies again after the resume")
    }

    @Test func anOfferWithoutHoldChangeIsAnsweredLocally() throws {
        var call = try answered()
        let moved = call.machine.receiveSessionOffer(try Self.doorOffer("sendrecv", version: 2, address: "192.168.10.3"),
                                                     from: .caller, at: call.now)
        guard case .answered(let answer) = moved.outcome else { Issue.record("\(moved.outcome)"); return }
        #expect(answer.text.contains("a=sendrecv"))
        #expect(Self.reinvite(in: moved.actions, toward: .callee) == nil)
        #expect(moved.actions.contains { if case .updateMedia(let plan) = $0 { plan.caller.session.audio?.remoteAddress == "192.168.10.3" } else { false } })
    }

    @Test func rfc2543HoldAddressCountsAsHold() throws {
        var call = try answered()
        let hold = call.machine.receiveSessionOffer(try Self.doorOffer("sendrecv", version: 2, address: "0.0.0.0"), from: .caller, at: call.now)
        #expect(hold.outcome == .forwarded)
        #expect(Self.reinvite(in: hold.actions, toward: .callee)?.text.contains("a=sendonly") == true)
    }

    @Test func calleeHoldReachesTheCaller() throws {
        var call = try answered()
        let hold = try call.peerOffer(from: leg1, direction: "inactive", address: "10.0.0.7")
        let outcome = call.machine.receiveSessionOffer(hold, from: .callee, at: call.now)
        #expect(outcome.outcome == .forwarded)
        let toCaller = try #require(Self.reinvite(in: outcome.actions, toward: .caller))
        #expect(toCaller.text.contains("a=inactive") && toCaller.text.contains("m=audio 30000"))
    }
}

extension HoldTests {
    @Test func aHoldTowardADoorIsAnsweredLocally() throws {
        var call = try answered()
        call.machine.doorEndpoints = ["door"]
        let hold = try call.peerOffer(from: leg1, direction: "sendonly", address: "10.0.0.7")
        let outcome = call.machine.receiveSessionOffer(hold, from: .callee, at: call.now)
        guard case .answered(let answer) = outcome.outcome else { Issue.record("\(outcome.outcome)"); return }
        #expect(answer.text.contains("a=recvonly"))
        #expect(Self.reinvite(in: outcome.actions, toward: .caller) == nil, "the door gets no re-INVITE")
        #expect(call.machine.isOnHold, "still on hold for the media timeout")
        // The door's own hold still reaches the called phone.
        let doorHold = call.machine.receiveSessionOffer(try Self.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        #expect(doorHold.outcome == .forwarded)
    }

    @Test func glareBackoffRanges() {
        #expect(HoldRelay.glareBackoff(ownsCallID: true, fraction: 0) == .milliseconds(2100))
        #expect(HoldRelay.glareBackoff(ownsCallID: true, fraction: 1) == .milliseconds(4000))
        #expect(HoldRelay.glareBackoff(ownsCallID: false, fraction: 0) == .zero)
        #expect(HoldRelay.glareBackoff(ownsCallID: false, fraction: 1) == .milliseconds(2000))
        #expect(HoldRelay.glareBackoff(ownsCallID: false, fraction: 0.5004) == .milliseconds(1000), "10 ms units")
    }

    @Test func glareOnBothSides() throws {
        var call = try answered()
        let hold = call.machine.receiveSessionOffer(try Self.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        let first = try #require(Self.reinvite(in: hold.actions, toward: .callee))
        #expect(call.machine.isReinvitePending(toward: .callee) && !call.machine.isReinvitePending(toward: .caller))
        // §14.2: the callee's own offer crosses ours: 491.
        let crossing = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.9")
        #expect(call.machine.receiveSessionOffer(crossing, from: .callee, at: call.now).outcome == .rejected(status: 491))
        // §14.2: the caller's second offer while its first waits: 500.
        #expect(call.machine.receiveSessionOffer(try Self.doorOffer("sendrecv", version: 3), from: .caller, at: call.now).outcome
                == .rejected(status: 500))
        // §14.1: our re-INVITE got 491: retried after 2.1–4 s (we own the called leg's Call-ID).
        let backoff = call.machine.receiveReinviteResponse(491, sdp: nil, from: .callee, at: call.now, backoff: 0.5)
        #expect(backoff == [.startTimer(.reinviteRetry(.callee), after: .milliseconds(3050))])
        #expect(!call.machine.isReinvitePending(toward: .callee), "nothing is out during the back-off")
        // While waiting, the callee's offer is no longer glare: answered locally.
        guard case .answered = call.machine.receiveSessionOffer(crossing, from: .callee, at: call.now).outcome else {
            Issue.record("not answered during the back-off"); return
        }
        let retried = call.machine.timerFired(.reinviteRetry(.callee), at: call.now)
        let second = try #require(Self.reinvite(in: retried, toward: .callee))
        #expect(second.text.contains("a=sendonly"))
        #expect((Int(second.origin.sessionVersion) ?? 0) > (Int(first.origin.sessionVersion) ?? 0))
        let settled = call.machine.receiveReinviteResponse(200, sdp: try CallHarness.answer(to: second, codecs: [.pcmu], address: "10.0.0.9"),
                                                           from: .callee, at: call.now)
        #expect(Self.pendingAnswer(in: settled, for: .caller)?.text.contains("a=recvonly") == true)
        #expect(call.machine.timerFired(.reinviteRetry(.callee), at: call.now).isEmpty, "nothing left to retry")
        #expect(!call.machine.isReinvitePending(toward: .callee))
    }

    @Test func callerSideBackoffIsUnderTwoSeconds() throws {
        var call = try answered()
        let hold = try call.peerOffer(from: leg1, direction: "sendonly", address: "10.0.0.7")
        _ = call.machine.receiveSessionOffer(hold, from: .callee, at: call.now)
        let backoff = call.machine.receiveReinviteResponse(491, sdp: nil, from: .caller, at: call.now, backoff: 1)
        #expect(backoff == [.startTimer(.reinviteRetry(.caller), after: .milliseconds(2000))])
    }

    @Test func aRefusedHoldIsAnsweredLocally() throws {
        var call = try answered()
        _ = call.machine.receiveSessionOffer(try Self.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        let refused = call.machine.receiveReinviteResponse(488, sdp: nil, from: .callee, at: call.now)
        #expect(Self.pendingAnswer(in: refused, for: .caller)?.text.contains("a=recvonly") == true,
                "the gateway holds the media itself")
        #expect(!call.machine.isEnded)
    }

    @Test func aLostDialogEndsTheCall() throws {
        var call = try answered()
        _ = call.machine.receiveSessionOffer(try Self.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        let lost = call.machine.receiveReinviteResponse(481, sdp: nil, from: .callee, at: call.now)
        #expect(Self.pendingAnswer(in: lost, for: .caller) != nil, "the caller's transaction is answered first")
        #expect(lost.contains(.sendByeToLeg(leg1, reason: Q850Cause.reason(102))))
        #expect(call.machine.isEnded)
    }

    @Test func noReofferBeforeTheAnswer() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        let early = call.machine.receiveSessionOffer(try Self.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        #expect(early.outcome == .rejected(status: 491) && early.actions.isEmpty)
    }
}
