import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// After the answer: media timeout and hold/unhold offers answered locally.
@Suite struct InDialogTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let leg1 = CallLegID(1)

    @Test func mediaTimeoutByesBothLegsWithCause102() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        #expect(call.record(call.machine.receiveMediaTimeout(at: call.now)).isEmpty, "nothing to end before the answer")
        _ = try call.answer(leg1, codecs: [.pcmu])
        let actions = call.record(call.machine.receiveMediaTimeout(at: call.now))
        let reason = Q850Cause.reason(102)
        #expect(Array(actions.prefix(3)) == [.sendByeToLeg(leg1, reason: reason), .sendByeToCaller(reason: reason), .releaseMedia])
        guard case .callEnded(let record)? = actions.last else { Issue.record("no record"); return }
        #expect(record.endedBy == .gateway && record.q850Cause == 102)
        #expect(call.machine.isEnded)
    }

    @Test func callerHoldIsAnsweredLocallyOnTheSamePorts() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        let early = try SDPParser().parse(CallHarness.doorOffer)
        #expect(call.machine.receiveReoffer(early, from: .caller) == nil, "no re-offer before the answer")
        _ = try call.answer(leg1, codecs: [.pcmu])
        let hold = CallHarness.doorOffer.replacingOccurrences(of: "a=sendrecv", with: "a=sendonly")
            .replacingOccurrences(of: "c=IN IP4 192.168.10.2", with: "c=IN IP4 192.168.10.3")
        let holdOffer = try SDPParser().parse(hold)
        let reoffer = call.machine.receiveReoffer(holdOffer, from: .caller)
        let result = try #require(reoffer)
        let text = result.answer.text
        #expect(text.contains("m=audio 30000") && text.contains("a=recvonly"), "\(text)")
        #expect(result.plan.caller.session.audio?.remoteAddress == "192.168.10.3")
        #expect(result.plan.callee.session.audio?.remoteAddress == "10.0.0.7", "the callee side is unchanged")

        let calleeOffer = try CallHarness.answer(to: call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.8")
        let calleeReoffer = call.machine.receiveReoffer(calleeOffer, from: .callee)
        let calleeResult = try #require(calleeReoffer)
        #expect(calleeResult.answer.text.contains("m=audio 30004"))
        #expect(calleeResult.plan.callee.session.audio?.remoteAddress == "10.0.0.8")
    }
}

extension InDialogTests {
    @Test func currentDescriptionsAfterTheAnswer() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        #expect(call.machine.currentDescription(for: .caller) == nil)
        let answered = try call.answer(leg1, codecs: [.pcmu])
        let sentToCaller = try #require(answered.callerResponse(200)?.sdp)
        #expect(call.machine.currentDescription(for: .caller) == sentToCaller)
        #expect(call.machine.currentDescription(for: .callee) == (try call.request(leg1)).offer)
    }
}

extension InDialogTests {
    @Test func callerAckTimeoutHangsUpBothLegs() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let actions = call.record(call.machine.receiveCallerAckTimeout(at: call.now))
        let reason = Q850Cause.reason(102)
        #expect(Array(actions.prefix(2)) == [.sendByeToLeg(leg1, reason: reason), .sendByeToCaller(reason: reason)])
        #expect(call.record(call.machine.receiveCallerAckTimeout(at: call.now)).isEmpty, "once")
    }
}
