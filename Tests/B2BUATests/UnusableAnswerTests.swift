@testable import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// A 2xx to the gateway's forwarded re-offer whose answer cannot be used (none, or nothing in
/// common with the offer): RFC 3261 §13.2.2.4 via §14.1, the 2xx is ACKed (by the handler) and
/// the call ends with Q.850 cause 88; the originator's waiting offer gets 488 first.
@Suite struct UnusableAnswerTests {
    let leg1 = CallLegID(1)
    static let reason = Q850Cause.reason(Q850Cause.incompatibleDestination)

    /// The caller changes to PCMA; the change goes to the carrier leg as a re-INVITE.
    func forwardedChange() throws -> (CallHarness, SessionDescription) {
        var call = try MediaChangeTests().carrierCall()
        let change = call.machine.receiveSessionOffer(try SDPParser().parse(MediaChangeTests.pcmaOnly), from: .caller, at: call.now)
        #expect(change.outcome == .forwarded)
        return (call, try #require(HoldTests.reinvite(in: change.actions, toward: .callee)))
    }

    func expectEnded(_ actions: [CallAction], _ call: CallHarness) {
        #expect(MediaChangeTests.rejection(in: actions, for: .caller) == 488, "\(actions)")
        #expect(actions.contains(.sendByeToLeg(leg1, reason: Self.reason)))
        #expect(actions.contains(.sendByeToCaller(reason: Self.reason)))
        #expect(MediaChangeTests.plan(in: actions) == nil, "the engine is not pointed at an unusable answer")
        #expect(HoldTests.pendingAnswer(in: actions, for: .caller) == nil, "no local answer to the originator")
        #expect(call.machine.isEnded)
        let ended = actions.compactMap { if case .callEnded(let record) = $0 { record } else { nil } }.first
        #expect(ended?.q850Cause == Q850Cause.incompatibleDestination)
    }

    @Test func aCommonCodecMissingEndsTheCall() throws {
        var (call, offer) = try forwardedChange()
        // The carrier answers with G.722 only: nothing in common with PCMA/PCMU.
        let text = try CallHarness.answer(to: offer, codecs: [.pcma], address: "10.0.0.9").text
            .replacingOccurrences(of: "RTP/AVP 8", with: "RTP/AVP 9").replacingOccurrences(of: "rtpmap:8 PCMA/8000", with: "rtpmap:9 G722/8000")
        let unusable = try SDPParser().parse(text)
        let actions = call.record(call.machine.receiveReinviteResponse(200, sdp: unusable, from: .callee, at: call.now))
        expectEnded(actions, call)
    }

    @Test func aMissingOrMalformedAnswerEndsTheCall() throws {
        var (call, _) = try forwardedChange()
        let actions = call.record(call.machine.receiveReinviteResponse(200, sdp: nil, from: .callee, at: call.now))
        expectEnded(actions, call)
    }

    @Test func aHoldAnsweredWithoutUsableSDPEndsTheCallToo() throws {
        var call = try CallHarness.answered(contacts: ["alice": ["sip:alice@10.0.0.7:5060"]])
        let hold = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendonly", version: 2), from: .caller, at: call.now)
        #expect(hold.outcome == .forwarded)
        let actions = call.record(call.machine.receiveReinviteResponse(202, sdp: nil, from: .callee, at: call.now))
        expectEnded(actions, call)
    }

    @Test func aUsableAnswerStillSettlesTheChange() throws {
        var (call, offer) = try forwardedChange()
        let answer = try CallHarness.answer(to: offer, codecs: [.pcma], address: "10.0.0.9")
        let actions = call.record(call.machine.receiveReinviteResponse(200, sdp: answer, from: .callee, at: call.now))
        #expect(!call.machine.isEnded)
        #expect(HoldTests.pendingAnswer(in: actions, for: .caller) != nil)
    }
}
