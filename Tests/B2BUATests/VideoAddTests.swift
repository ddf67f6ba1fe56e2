@testable import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// Video added mid-call by a re-offer (RFC 3264 §8.2, CallStateMachine+VideoAdd): forwarded to
/// the other leg re-anchored when its profile passes video and the call has video ports; refused
/// with port 0 otherwise, and never re-offered for a session refresh repeating refused video.
@Suite struct VideoAddTests {
    let leg1 = CallLegID(1)

    /// The door (audio + H.264; a door station, so changes toward it are answered locally
    /// except added video) calls carol (PCMU, H.264), who answers audio only (video port 0).
    func videoDeclined() throws -> CallHarness {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]], offer: CallHarness.doorVideoOffer)
        call.machine.doorEndpoints = ["door"]
        _ = call.start()
        let answered = try call.answer(leg1, codecs: [.pcmu])
        #expect(answered.contains { if case .sendResponseToCaller(200, let sdp?, _) = $0 {
            sdp.media.first { $0.media == .video }?.port == 0 } else { false } }, "the door's video refused at first")
        return call
    }

    static func videoLine(_ sdp: SessionDescription) -> MediaDescription? { sdp.media.first { $0.media == .video } }

    @Test func videoAddedByTheCalleeReachesTheDoorAndBothLegsRelayIt() throws {
        var call = try videoDeclined()
        // carol's re-offer with video added (her answer to our first offer, now with H.264).
        let carolOffer = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], video: [.h264],
                                                address: "10.0.0.8")
        #expect(Self.videoLine(carolOffer)?.port != 0)
        let change = call.record(call.machine.receiveSessionOffer(carolOffer, from: .callee, at: call.now).actions)
        let toDoor = try #require(HoldTests.reinvite(in: change, toward: .caller), "\(change)")
        let video = try #require(Self.videoLine(toDoor))
        #expect(video.port == 30002, "the caller-side video port (RFC 3264 §8.2: the port-0 slot reused)")
        #expect(toDoor.media.count == 2 && toDoor.text.contains("H264/90000"), "\(toDoor.text)")
        #expect(toDoor.text.contains("packetization-mode=1"), "the H.264 configuration passed through")
        #expect(MediaChangeTests.audioLine(toDoor).hasPrefix("m=audio 30000"), "audio as before")

        let doorAnswer = try CallHarness.answer(to: toDoor, codecs: [.pcmu], video: [.h264], address: "192.168.10.2")
        let settled = call.record(call.machine.receiveReinviteResponse(200, sdp: doorAnswer, from: .caller, at: call.now))
        let toCarol = try #require(HoldTests.pendingAnswer(in: settled, for: .callee), "\(settled)")
        #expect(Self.videoLine(toCarol)?.port == 30006, "carol's video answered on the callee-side video port")
        #expect(MediaChangeTests.plan(in: settled)?.videoRelayed == true)
    }

    @Test func videoTheOtherSideRefusesIsAnsweredWithPortZero() throws {
        var call = try videoDeclined()
        let carolOffer = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], video: [.h264],
                                                address: "10.0.0.8")
        let change = call.record(call.machine.receiveSessionOffer(carolOffer, from: .callee, at: call.now).actions)
        let toDoor = try #require(HoldTests.reinvite(in: change, toward: .caller))
        let refusing = try CallHarness.answer(to: toDoor, codecs: [.pcmu], address: "192.168.10.2")
        let settled = call.record(call.machine.receiveReinviteResponse(200, sdp: refusing, from: .caller, at: call.now))
        let toCarol = try #require(HoldTests.pendingAnswer(in: settled, for: .callee))
        #expect(Self.videoLine(toCarol)?.port == 0, "the door did not take it: nothing to relay")
        #expect(MediaChangeTests.plan(in: settled)?.videoRelayed == false)
    }

    @Test func towardADoorAnOfferWithoutAddedVideoStaysLocal() throws {
        var call = try videoDeclined()
        // carol re-offers from a new address, still without video: the door rule holds.
        let carolOffer = try CallHarness.answer(to: try call.request(leg1).offer, codecs: [.pcmu], address: "10.0.0.9")
        let change = call.machine.receiveSessionOffer(carolOffer, from: .callee, at: call.now)
        guard case .answered = change.outcome else { Issue.record("\(change.outcome)"); return }
        #expect(HoldTests.reinvite(in: change.actions, toward: .caller) == nil, "the door gets no re-INVITE")
    }

    @Test func aRefreshRepeatingRefusedVideoIsAnsweredLocally() throws {
        var call = try videoDeclined()
        let refresh = try SDPParser().parse(CallHarness.doorReoffer(version: 2, base: CallHarness.doorVideoOffer))
        let change = call.machine.receiveSessionOffer(refresh, from: .caller, at: call.now)
        guard case .answered(let answer) = change.outcome else { Issue.record("\(change.outcome)"); return }
        #expect(Self.videoLine(answer)?.port == 0, "carol declined the door's video: not offered again")
        #expect(HoldTests.reinvite(in: change.actions, toward: .callee) == nil)
    }

    @Test func aLegWithoutVideoInItsProfileGetsNoOffer() throws {
        // alice (opus, PCMU: no video) answers a door call; the door adds video in a re-offer.
        var call = try CallHarness(dialled: "101", contacts: ["alice": ["sip:alice@10.0.0.7"]])
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let withVideo = try SDPParser().parse(CallHarness.doorReoffer(version: 2, base: CallHarness.doorVideoOffer))
        let change = call.machine.receiveSessionOffer(withVideo, from: .caller, at: call.now)
        guard case .answered(let answer) = change.outcome else { Issue.record("\(change.outcome)"); return }
        #expect(Self.videoLine(answer)?.port == 0)
        #expect(HoldTests.reinvite(in: change.actions, toward: .callee) == nil)
    }
}
