import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// A caller INVITE without SDP (RFC 3261 §13.2.1): our offer in the 200, the answer in the ACK.
@Suite struct DelayedOfferTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let leg1 = CallLegID(1)

    @Test func theGatewayOffersInThe200AndTakesTheAnswerFromTheAck() throws {
        var call = try CallHarness(dialled: "101", contacts: alice, offer: nil)
        let started = call.start()
        #expect(started.createdLegs.count == 1, "no 488: the called leg gets the gateway's offer")
        let answered = try call.answer(leg1, codecs: [.pcmu])
        let offer = try #require(answered.callerResponse(200)?.sdp)
        let text = offer.text
        #expect(text.contains("c=IN IP4 203.0.113.1") && text.contains("m=audio 30000 RTP/AVP 0 8"), "\(text)")
        #expect(text.contains("a=sendrecv") && !text.contains("recvonly"), "an offer, not a hold answer")
        #expect(call.machine.isAwaitingCallerAnswer)
        let early = answered.compactMap { if case .updateMedia(let plan) = $0 { plan } else { nil } }.first
        #expect(early?.caller.session.audio?.remoteAddress == "0.0.0.0", "no caller address before the ACK")

        let answer = try SDPParser().parse(CallHarness.doorOffer.replacingOccurrences(of: "RTP/AVP 0 8", with: "RTP/AVP 0")
            .replacingOccurrences(of: "a=rtpmap:8 PCMA/8000\r\n", with: ""))
        let acked = call.record(call.machine.receiveCallerAnswer(answer, at: call.now))
        guard case .updateMedia(let plan)? = acked.first, acked.count == 1 else { Issue.record("\(acked)"); return }
        #expect(plan.caller.session.audio?.remoteAddress == "192.168.10.2")
        #expect(plan.caller.session.audio?.remotePort == 4000)
        #expect(plan.audio == .relay(.pcmu))
        #expect(!call.machine.isAwaitingCallerAnswer)
        #expect(call.machine.receiveCallerAnswer(answer, at: call.now).isEmpty, "a retransmitted ACK changes nothing")
    }

    @Test func anAckWithoutAnswerEndsTheCall() throws {
        var call = try CallHarness(dialled: "101", contacts: alice, offer: nil)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let actions = call.record(call.machine.receiveCallerAnswer(nil, at: call.now))
        let reason = Q850Cause.reason(Q850Cause.incompatibleDestination)
        #expect(Array(actions.prefix(2)) == [.sendByeToLeg(leg1, reason: reason), .sendByeToCaller(reason: reason)])
        #expect(call.machine.isEnded)
    }

    @Test func withoutReliableProvisionalsTheCallerRingsLocally() throws {
        var call = try CallHarness(dialled: "101", contacts: alice, offer: nil)
        _ = call.start()
        let sdp = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.7")
        let actions = call.provisional(183, from: leg1, sdp: sdp)
        #expect(actions == [.sendResponseToCaller(status: 180, sdp: nil, reason: nil)],
                "no 100rel: no offer before the 200 (RFC 3262 §3), so no early media; a 180")
    }

    @Test func aCallWithAnOfferNeverWaitsForTheAck() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        #expect(!call.machine.isAwaitingCallerAnswer)
        #expect(call.machine.receiveCallerAnswer(nil, at: call.now).isEmpty)
    }

    @Test func aCalleeHoldBeforeTheAckWaitsForIt() throws {
        var call = try CallHarness(dialled: "101", contacts: alice, offer: nil)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let ours = try #require(call.machine.currentDescription(for: .caller))
        let hold = try call.peerOffer(from: leg1, direction: "sendonly", address: "10.0.0.7")
        let early = call.machine.receiveSessionOffer(hold, from: .callee, at: call.now)
        #expect(!early.actions.contains { if case .sendReinvite = $0 { true } else { false } },
                "RFC 3264 §4: no second offer to the caller while ours waits for the ACK")
        let answer = try CallHarness.answer(to: ours, codecs: [.pcmu], address: "192.168.10.2")
        let acked = call.record(call.machine.receiveCallerAnswer(answer, at: call.now))
        var passed: SessionDescription?
        for case .sendReinvite(.caller, let offer) in acked { passed = offer }
        #expect(try #require(passed, "the hold goes to the caller once it answered").text.contains("a=sendonly"))
    }
}
