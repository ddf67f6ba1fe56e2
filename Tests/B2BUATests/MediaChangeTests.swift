@testable import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// Codec and stream changes passed across the legs (RFC 3264 §8.3, CallStateMachine+MediaChange):
/// forwarded when the other side can follow, answered locally (transcoded) when it cannot, and
/// a refusal goes back to the originator with the old session kept (RFC 3261 §14.1).
@Suite struct MediaChangeTests {
    let leg1 = CallLegID(1)

    /// The door's re-offer with PCMA and telephone-event only.
    static let pcmaOnly = CallHarness.doorReoffer(version: 2, edits: [(
        "m=audio 4000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n",
        "m=audio 4000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n")])

    /// The door calls 101 with alice offline: the carrier (PCMA, PCMU) answers PCMU.
    func carrierCall() throws -> CallHarness {
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        return call
    }

    static func plan(in actions: [CallAction]) -> MediaPlan? {
        actions.reversed().lazy.compactMap { if case .updateMedia(let plan) = $0 { plan } else { nil } }.first
    }

    static func rejection(in actions: [CallAction], for side: CallSide) -> Int? {
        for case .rejectPendingOffer(let target, let status) in actions where target == side { return status }
        return nil
    }

    static func audioLine(_ sdp: SessionDescription) -> String {
        sdp.text.split(separator: "\r\n").first { $0.hasPrefix("m=audio") }.map(String.init) ?? ""
    }

    @Test func aCodecChangeIsForwardedAndBothLegsMoveToIt() throws {
        var call = try carrierCall()
        let change = call.machine.receiveSessionOffer(try SDPParser().parse(Self.pcmaOnly), from: .caller, at: call.now)
        #expect(change.outcome == .forwarded)
        let offer = try #require(HoldTests.reinvite(in: change.actions, toward: .callee))
        #expect(Self.audioLine(offer) == "m=audio 30004 RTP/AVP 8 0 101", "PCMA first, the carrier's PCMU as fallback")
        #expect(offer.origin.sessionVersion == "2" && offer.text.contains("a=sendrecv"))

        let settled = call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: offer, codecs: [.pcma], address: "10.0.0.9"), from: .callee, at: call.now)
        let answer = try #require(HoldTests.pendingAnswer(in: settled, for: .caller))
        #expect(Self.audioLine(answer).hasPrefix("m=audio 30000 RTP/AVP 8"))
        let plan = try #require(Self.plan(in: settled))
        #expect(plan.audio == .relay(.pcma), "both legs on PCMA: relayed, not transcoded")
        #expect(plan.callee.session.audio?.remoteAddress == "10.0.0.9")
    }

    @Test func theCalleeKeepingItsCodecIsTranscoded() throws {
        var call = try carrierCall()
        let change = call.machine.receiveSessionOffer(try SDPParser().parse(Self.pcmaOnly), from: .caller, at: call.now)
        let offer = try #require(HoldTests.reinvite(in: change.actions, toward: .callee))
        let settled = call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: offer, codecs: [.pcmu], address: "10.0.0.7"), from: .callee, at: call.now)
        #expect(HoldTests.pendingAnswer(in: settled, for: .caller).map(Self.audioLine)?.hasPrefix("m=audio 30000 RTP/AVP 8") == true)
        #expect(Self.plan(in: settled)?.audio == .transcode(caller: .pcma, callee: .pcmu))
    }

    @Test(arguments: [488, 500, 603])
    func aRefusalGoesBackAndTheOldSessionStays(_ status: Int) throws {
        var call = try carrierCall()
        let change = call.machine.receiveSessionOffer(try SDPParser().parse(Self.pcmaOnly), from: .caller, at: call.now)
        #expect(change.outcome == .forwarded)
        let refused = call.machine.receiveReinviteResponse(status, sdp: nil, from: .callee, at: call.now)
        #expect(Self.rejection(in: refused, for: .caller) == status)
        #expect(Self.plan(in: refused) == nil, "media unchanged")
        #expect(HoldTests.pendingAnswer(in: refused, for: .caller) == nil)
        #expect(!call.machine.isReinvitePending(toward: .callee))
        #expect(call.machine.currentDescription(for: .caller).map(Self.audioLine)?.contains("RTP/AVP 0") == true,
                "the caller keeps PCMU")
        // Nothing is left waiting: the next offer (a plain refresh) is answered at once, on PCMU.
        let refresh = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendrecv", version: 3), from: .caller, at: call.now)
        guard case .answered(let answer) = refresh.outcome else { Issue.record("\(refresh.outcome)"); return }
        #expect(Self.audioLine(answer).hasPrefix("m=audio 30000 RTP/AVP 0"))
    }

    @Test func aTimeoutIsRefusedAndEndsTheCall() throws {
        var call = try carrierCall()
        _ = call.machine.receiveSessionOffer(try SDPParser().parse(Self.pcmaOnly), from: .caller, at: call.now)
        let timedOut = call.machine.receiveReinviteResponse(408, sdp: nil, from: .callee, at: call.now)
        #expect(Self.rejection(in: timedOut, for: .caller) == 408)
        #expect(timedOut.contains { if case .sendByeToCaller = $0 { true } else { false } })
    }

    @Test func glareRetriesTheSameChangeThenGivesUpWith491() throws {
        var call = try carrierCall()
        let change = call.machine.receiveSessionOffer(try SDPParser().parse(Self.pcmaOnly), from: .caller, at: call.now)
        var offer = try #require(HoldTests.reinvite(in: change.actions, toward: .callee))
        for retry in 1...HoldRelay.glareRetryLimit {
            let glare = call.machine.receiveReinviteResponse(491, sdp: nil, from: .callee, at: call.now, backoff: 0)
            #expect(glare == [.startTimer(.reinviteRetry(.callee), after: .milliseconds(2100))])
            let again = try #require(HoldTests.reinvite(in: call.machine.timerFired(.reinviteRetry(.callee), at: call.now), toward: .callee))
            #expect(Self.audioLine(again) == Self.audioLine(offer), "retry \(retry): the same change")
            #expect((Int(again.origin.sessionVersion) ?? 0) > (Int(offer.origin.sessionVersion) ?? 0))
            offer = again
        }
        let gaveUp = call.machine.receiveReinviteResponse(491, sdp: nil, from: .callee, at: call.now, backoff: 0)
        #expect(Self.rejection(in: gaveUp, for: .caller) == 491)
        #expect(HoldTests.reinvite(in: gaveUp, toward: .callee) == nil)
    }

    @Test func aCodecTheCalleeDoesNotSpeakIsTranscodedLocally() throws {
        // alice (opus, PCMU) cannot take PCMA: the gateway answers and transcodes.
        var call = try CallHarness(dialled: "101", contacts: ["alice": ["sip:alice@10.0.0.7:5060"]])
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let change = call.machine.receiveSessionOffer(try SDPParser().parse(Self.pcmaOnly), from: .caller, at: call.now)
        guard case .answered(let answer) = change.outcome else { Issue.record("\(change.outcome)"); return }
        #expect(Self.audioLine(answer).hasPrefix("m=audio 30000 RTP/AVP 8"))
        #expect(HoldTests.reinvite(in: change.actions, toward: .callee) == nil)
        #expect(Self.plan(in: change.actions)?.audio == .transcode(caller: .pcma, callee: .pcmu))
    }

    @Test func aNewAddressOrTheSameCodecsStayLocal() throws {
        var call = try carrierCall()
        let moved = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendrecv", version: 2, address: "192.168.10.4"),
                                                     from: .caller, at: call.now)
        guard case .answered(let answer) = moved.outcome else { Issue.record("\(moved.outcome)"); return }
        #expect(Self.audioLine(answer).hasPrefix("m=audio 30000 RTP/AVP 0"), "PCMU kept although PCMA is offered too")
        #expect(HoldTests.reinvite(in: moved.actions, toward: .callee) == nil)
        #expect(Self.plan(in: moved.actions)?.audio == .relay(.pcmu))
    }

    /// The carrier re-INVITEs with PCMA only.
    static func carrierPCMAOffer() throws -> SessionDescription {
        var offer = try CallHarness.answer(to: try SDPParser().parse(pcmaOnly), codecs: [.pcma], address: "10.0.0.7")
        offer.origin.sessionVersion = "9"
        return offer
    }

    @Test func aChangeFromTheCalleeReachesTheCaller() throws {
        var call = try carrierCall()
        let change = call.machine.receiveSessionOffer(try Self.carrierPCMAOffer(), from: .callee, at: call.now)
        #expect(change.outcome == .forwarded)
        let offer = try #require(HoldTests.reinvite(in: change.actions, toward: .caller))
        #expect(Self.audioLine(offer).hasPrefix("m=audio 30000 RTP/AVP 8 0"), "PCMA first, the caller's PCMU as fallback")
        let settled = call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: offer, codecs: [.pcma], address: "192.168.10.2"), from: .caller, at: call.now)
        #expect(HoldTests.pendingAnswer(in: settled, for: .callee).map(Self.audioLine)?.hasPrefix("m=audio 30004 RTP/AVP 8") == true)
        #expect(Self.plan(in: settled)?.audio == .relay(.pcma))
    }

    @Test func aChangeTowardADoorIsAnsweredLocally() throws {
        var call = try carrierCall()
        call.machine.doorEndpoints = ["door"]
        let carrierOffer = try Self.carrierPCMAOffer()
        let change = call.machine.receiveSessionOffer(carrierOffer, from: .callee, at: call.now)
        guard case .answered(let answer) = change.outcome else { Issue.record("\(change.outcome)"); return }
        #expect(Self.audioLine(answer).hasPrefix("m=audio 30004 RTP/AVP 8"))
        #expect(HoldTests.reinvite(in: change.actions, toward: .caller) == nil, "the door gets no re-INVITE")
        #expect(Self.plan(in: change.actions)?.audio == .transcode(caller: .pcmu, callee: .pcma))
    }

    @Test func droppedVideoIsForwarded() throws {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]], offer: CallHarness.doorVideoOffer)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu], video: [.h264])
        let audioOnly = try SDPParser().parse(CallHarness.doorReoffer(version: 2, base: CallHarness.doorVideoOffer,
                                                                     edits: [("m=video 4002", "m=video 0")]))
        let change = call.machine.receiveSessionOffer(audioOnly, from: .caller, at: call.now)
        #expect(change.outcome == .forwarded)
        let offer = try #require(HoldTests.reinvite(in: change.actions, toward: .callee))
        #expect(offer.media.first { $0.media == .video }?.port == 0)
        #expect(Self.audioLine(offer).hasPrefix("m=audio 30004"), "audio as before")
        let settled = call.machine.receiveReinviteResponse(
            200, sdp: try CallHarness.answer(to: offer, codecs: [.pcmu], video: [.h264], address: "10.0.0.8"), from: .callee, at: call.now)
        let answer = try #require(HoldTests.pendingAnswer(in: settled, for: .caller))
        #expect(answer.media.last?.port == 0)
        #expect(Self.plan(in: settled)?.videoRelayed == false)
    }
}
