import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// Early media for a delayed-offer caller that supports 100rel (CallStateMachine+EarlyOffer):
/// our offer in a reliable 183, the caller's answer in the PRACK, the early media anchored, and
/// the 200 without SDP (RFC 3262 §3/§5, RFC 3261 §13.2.1).
@Suite struct EarlyOfferTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let leg1 = CallLegID(1)

    /// The door's answer (PCMU from 192.168.10.2:4000) to `offer`.
    static func callerAnswer(to offer: SessionDescription) throws -> SessionDescription {
        try CallHarness.answer(to: offer, codecs: [.pcmu], address: "192.168.10.2")
    }

    /// A delayed-offer call that supports 100rel, the leg's 183 with SDP received.
    func ringingWithEarlyMedia() throws -> (CallHarness, SessionDescription, [CallAction]) {
        var call = try CallHarness(dialled: "101", contacts: alice, offer: nil)
        call.machine.callerSupportsReliable = true
        _ = call.start()
        let sdp = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.7")
        let actions = call.provisional(183, from: leg1, sdp: sdp)
        var offer: SessionDescription?
        for case .sendReliableProvisionalToCaller(183, let sent) in actions { offer = sent }
        return (call, try #require(offer, "\(actions)"), actions)
    }

    static func plan(in actions: [CallAction]) -> MediaPlan? {
        actions.reversed().lazy.compactMap { if case .updateMedia(let plan) = $0 { plan } else { nil } }.first
    }

    @Test func theCallerGetsOurOfferReliablyAndAnswersInThePrack() throws {
        var (call, offer, actions) = try ringingWithEarlyMedia()
        #expect(offer.text.contains("c=IN IP4 203.0.113.1") && offer.text.contains("m=audio 30000 RTP/AVP 0"), "\(offer.text)")
        #expect(offer.text.contains("a=sendrecv"), "an offer, not a hold answer")
        #expect(!actions.contains { if case .sendResponseToCaller = $0 { true } else { false } }, "no unreliable 18x too")
        #expect(call.machine.isAwaitingEarlyAnswer && !call.machine.isAwaitingCallerAnswer)

        let pracked = call.record(call.machine.receiveCallerEarlyAnswer(try Self.callerAnswer(to: offer), at: call.now))
        let plan = try #require(Self.plan(in: pracked))
        #expect(plan.isEarly)
        #expect(plan.caller.session.audio?.remoteAddress == "192.168.10.2" && plan.caller.session.audio?.remotePort == 5004)
        #expect(plan.callee.session.audio?.remoteAddress == "10.0.0.7")
        #expect(plan.audio == .relay(.pcmu), "the early media passes through")
        #expect(call.machine.earlyOfferCompleted && !call.machine.isAwaitingEarlyAnswer)

        // The leg answers: the 200 carries no SDP (offer/answer done), the ACK needs none.
        let answered = try call.answer(leg1, codecs: [.pcmu])
        #expect(answered.contains(.sendResponseToCaller(status: 200, sdp: nil, reason: nil)), "\(answered)")
        #expect(Self.plan(in: answered)?.isEarly == false)
        #expect(Self.plan(in: answered)?.caller.session.audio?.remoteAddress == "192.168.10.2")
        #expect(!call.machine.isAwaitingCallerAnswer)
        #expect(call.machine.receiveCallerAnswer(nil, at: call.now).isEmpty, "an ACK without SDP changes nothing")
        #expect(!call.machine.isEnded)
    }

    @Test func aLegAnsweringBeforeThePrackWaitsForIt() throws {
        var (call, offer, _) = try ringingWithEarlyMedia()
        let answered = try call.answer(leg1, codecs: [.pcmu])
        #expect(!answered.contains { if case .sendResponseToCaller = $0 { true } else { false } },
                "RFC 3262 §3: no 2xx while the reliable offer is unacknowledged")
        #expect(answered.contains(.ackLeg(leg1)))
        let pracked = call.record(call.machine.receiveCallerEarlyAnswer(try Self.callerAnswer(to: offer), at: call.now))
        #expect(pracked.first == .sendResponseToCaller(status: 200, sdp: nil, reason: nil), "\(pracked)")
        #expect(Self.plan(in: pracked)?.isEarly == false)
        #expect(Self.plan(in: pracked)?.caller.session.audio?.remoteAddress == "192.168.10.2")
    }

    @Test func aCancelWhileTheAnswerWaitsForThePrackGets487() throws {
        var (call, _, _) = try ringingWithEarlyMedia()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let cancelled = call.record(call.machine.receiveCallerCancel(reason: nil, at: call.now))
        #expect(cancelled.contains(.sendByeToLeg(leg1, reason: Q850Cause.reason(Q850Cause.normalClearing))), "\(cancelled)")
        #expect(cancelled.contains(.sendResponseToCaller(status: 487, sdp: nil, reason: nil)))
        #expect(call.machine.isEnded)
    }

    @Test func aPrackWithoutUsableAnswerFailsTheCall() throws {
        var (call, _, _) = try ringingWithEarlyMedia()
        let failed = call.record(call.machine.receiveCallerEarlyAnswer(nil, at: call.now))
        let reason = Q850Cause.reason(Q850Cause.incompatibleDestination)
        #expect(failed.contains(.cancelLeg(leg1, reason: reason)), "\(failed)")
        #expect(failed.contains(.sendResponseToCaller(status: 488, sdp: nil, reason: reason)))
        #expect(call.machine.isEnded)
    }

    @Test func noPrackFailsTheCallWith5xx() throws {
        var (call, _, _) = try ringingWithEarlyMedia()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let failed = call.record(call.machine.receiveCallerPrackTimeout(at: call.now))
        let reason = Q850Cause.reason(Q850Cause.timerExpiry)
        #expect(failed.contains(.sendByeToLeg(leg1, reason: reason)), "the leg answered meanwhile: BYE")
        #expect(failed.contains(.sendResponseToCaller(status: 500, sdp: nil, reason: reason)))
        #expect(call.machine.isEnded)
        #expect(call.machine.receiveCallerPrackTimeout(at: call.now).isEmpty)
    }

    /// RFC 3262 §3: a caller requiring 100rel that never PRACKs a reliable 18x WITHOUT SDP (the
    /// handler makes every 18x reliable) is rejected with 500 after 64·T1 too, the ringing leg
    /// cancelled with Q.850 cause 102; once it has its final response the timeout changes nothing.
    @Test func noPrackForA180WithoutSDPFailsTheCallWith5xx() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        call.machine.callerSupportsReliable = true
        _ = call.start()
        #expect(call.provisional(180, from: leg1).callerStatuses == [180])
        #expect(!call.machine.isAwaitingEarlyAnswer, "no offer is out")
        let failed = call.record(call.machine.receiveCallerPrackTimeout(at: call.now))
        let reason = Q850Cause.reason(Q850Cause.timerExpiry)
        #expect(failed.contains(.cancelLeg(leg1, reason: reason)), "\(failed)")
        #expect(failed.contains(.sendResponseToCaller(status: 500, sdp: nil, reason: reason)))
        #expect(failed.record?.status == 500 && failed.record?.q850Cause == Q850Cause.timerExpiry)
        #expect(call.machine.isEnded)

        var answered = try CallHarness(dialled: "101", contacts: alice)
        _ = answered.start()
        _ = answered.provisional(180, from: leg1)
        _ = try answered.answer(leg1, codecs: [.pcmu])
        #expect(answered.machine.receiveCallerPrackTimeout(at: answered.now).isEmpty,
                "a 2xx may follow an unacknowledged 18x without SDP (§3): the call goes on")
        #expect(!answered.machine.isEnded)
    }

    @Test func aSecondEarlyMediaLegGetsNoSecondOffer() throws {
        var (call, offer, _) = try ringingWithEarlyMedia()
        let again = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.8")
        #expect(call.provisional(183, from: leg1, sdp: again).isEmpty, "before the PRACK: nothing to send or configure")
        let pracked = call.record(call.machine.receiveCallerEarlyAnswer(try Self.callerAnswer(to: offer), at: call.now))
        #expect(Self.plan(in: pracked)?.callee.session.audio?.remoteAddress == "10.0.0.8", "the latest early media")
        let third = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.9")
        let updated = call.provisional(183, from: leg1, sdp: third)
        #expect(updated.count == 1 && Self.plan(in: updated)?.callee.session.audio?.remoteAddress == "10.0.0.9")
    }

    @Test func aCallerWithAnOfferIsUnchanged() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        call.machine.callerSupportsReliable = true
        _ = call.start()
        let sdp = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.7")
        let actions = call.provisional(183, from: leg1, sdp: sdp)
        #expect(actions.contains { if case .sendResponseToCaller(183, let answer?, nil) = $0 { answer.text.contains("m=audio") } else { false } })
        #expect(!call.machine.isAwaitingEarlyAnswer)
    }

    /// A delayed-offer door (H.264 in its profile) calling carol (PCMU, H.264), with video ports.
    func videoCall(reliable: Bool) throws -> CallHarness {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]], offer: nil)
        call.machine.callerSupportsReliable = reliable
        return call
    }

    @Test func aDelayedOfferCallerGetsVideoInOurOffer() throws {
        var call = try videoCall(reliable: false)
        let invite = try #require(call.start().createdLegs.first)
        #expect(invite.offer.text.contains("m=video 30006"), "the called leg is offered video: \(invite.offer.text)")
        #expect(invite.offer.text.contains("packetization-mode=1") && invite.offer.text.contains("packetization-mode=0"),
                "the caller's H.264 configuration is unknown: both modes offered")
        let answered = try call.answer(CallLegID(1), codecs: [.pcmu], video: [.h264])
        let offer = try #require(answered.callerResponse(200)?.sdp)
        let video = try #require(offer.media.last)
        #expect(video.media == .video && video.port == 30002, "\(offer.text)")
        #expect(offer.text.contains("H264/90000"))
        let answer = try CallHarness.answer(to: offer, codecs: [.pcmu], video: [.h264], address: "192.168.10.2")
        let acked = call.record(call.machine.receiveCallerAnswer(answer, at: call.now))
        let plan = try #require(Self.plan(in: acked))
        #expect(plan.videoRelayed, "video relayed between the door and carol")
        #expect(plan.caller.session.video?.remoteAddress == "192.168.10.2" && plan.caller.session.video?.remotePort == 5006)
    }

    @Test func earlyVideoReachesADelayedOfferCallerInTheReliable183() throws {
        var call = try videoCall(reliable: true)
        let invite = try #require(call.start().createdLegs.first)
        let sdp = try CallHarness.answer(to: invite.offer, codecs: [.pcmu], video: [.h264], address: "10.0.0.8")
        let ringing = call.provisional(183, from: CallLegID(1), sdp: sdp)
        var offer: SessionDescription?
        for case .sendReliableProvisionalToCaller(183, let sent) in ringing { offer = sent }
        let sent = try #require(offer)
        #expect(sent.media.count == 2 && sent.media.last?.port == 30002)
        let answer = try CallHarness.answer(to: sent, codecs: [.pcmu], video: [.h264], address: "192.168.10.2")
        let plan = try #require(Self.plan(in: call.record(call.machine.receiveCallerEarlyAnswer(answer, at: call.now))))
        #expect(plan.isEarly && plan.videoRelayed)
    }

    @Test func videoNoCalledLegTakesIsLeftOutOfOurOffer() throws {
        var call = try videoCall(reliable: false)
        _ = call.start()
        let answered = try call.answer(CallLegID(1), codecs: [.pcmu])
        let offer = try #require(answered.callerResponse(200)?.sdp)
        #expect(offer.media.count == 1 && !offer.text.contains("m=video"), "\(offer.text)")
    }
}
