@testable import B2BUA
import Foundation
import SDP
import SIPCore
import Testing

/// Video added to a call that began audio-only (RFC 3264 §8.2, CallStateMachine+VideoPorts): the
/// engine reserves video ports first (``CallAction/allocateVideo``), then the offer goes across
/// re-anchored on them; without ports, or toward a leg without video, port 0 as before; an error
/// answer to the forwarded offer gives the ports back (``CallAction/releaseVideo``).
@Suite struct VideoPortsTests {
    let leg1 = CallLegID(1)
    static let audioOnlyPorts = MediaAllocation(address: CallHarness.gateway, callerPorts: [30000], calleePorts: [30004],
                                                sessionID: "42")
    static let ports = VideoAllocation(callerPort: 30010, calleePort: 30012)

    /// The door (a door station: toward it only added video goes across) calls carol (PCMU,
    /// H.264) with audio only: the engine gave the call one port per side.
    func audioOnlyCall(dialled: String = "104", contacts: [String: [String]] = ["carol": ["sip:carol@10.0.0.8"]])
        throws -> CallHarness {
        var call = try CallHarness(dialled: dialled, contacts: contacts, media: Self.audioOnlyPorts)
        call.machine.doorEndpoints = ["door"]
        _ = call.start()
        let request = try call.request(leg1)
        #expect(request.offer.media.count == 1, "an audio-only offer to the leg")
        _ = try call.answer(leg1, codecs: [.pcmu], address: "10.0.0.8")
        return call
    }

    /// carol's re-offer (RFC 3264 §8.2): her audio as before and an H.264 stream appended.
    static func carolAddsVideo(version: Int = 2) throws -> SessionDescription {
        try SDPParser().parse("""
            v=0\r
            o=carol 7 \(version) IN IP4 10.0.0.8\r
            s=-\r
            c=IN IP4 10.0.0.8\r
            t=0 0\r
            m=audio 5004 RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            a=sendrecv\r
            m=video 5006 RTP/AVP 96\r
            a=rtpmap:96 H264/90000\r
            a=fmtp:96 profile-level-id=42801f;packetization-mode=1\r
            a=sendrecv\r

            """)
    }

    /// The door's re-offer with its audio and an H.264 stream appended.
    static func doorAddsVideo(version: Int = 2) throws -> SessionDescription {
        try SDPParser().parse(CallHarness.doorReoffer(version: version, base: CallHarness.doorVideoOffer))
    }

    /// carol's offer taken to the point where the door has the gateway's re-INVITE with video.
    func forwardedToTheDoor(_ call: inout CallHarness) throws -> SessionDescription {
        let change = call.machine.receiveSessionOffer(try Self.carolAddsVideo(), from: .callee, at: call.now)
        #expect(change.outcome == .forwarded)
        #expect(change.actions == [.allocateVideo], "ports first, nothing sent yet")
        let forwarded = call.record(call.machine.receiveVideoPorts(Self.ports, at: call.now))
        #expect(!forwarded.contains(.releaseVideo))
        return try #require(HoldTests.reinvite(in: forwarded, toward: .caller), "\(forwarded)")
    }

    @Test func videoAddedByTheCalleeGetsPortsThenReachesTheDoorAndBothLegsRelayIt() throws {
        var call = try audioOnlyCall()
        let toDoor = try forwardedToTheDoor(&call)
        #expect(toDoor.media.count == 2, "video appended after the audio (RFC 3264 §8.2)")
        #expect(VideoAddTests.videoLine(toDoor)?.port == 30010, "the new caller-side video port")
        #expect(toDoor.text.contains("H264/90000") && toDoor.text.contains("packetization-mode=1"), "\(toDoor.text)")
        #expect(MediaChangeTests.audioLine(toDoor).hasPrefix("m=audio 30000"), "audio as before")

        let doorAnswer = try CallHarness.answer(to: toDoor, codecs: [.pcmu], video: [.h264], address: "192.168.10.2")
        let settled = call.record(call.machine.receiveReinviteResponse(200, sdp: doorAnswer, from: .caller, at: call.now))
        let toCarol = try #require(HoldTests.pendingAnswer(in: settled, for: .callee), "\(settled)")
        #expect(VideoAddTests.videoLine(toCarol)?.port == 30012, "carol's video answered on the new callee-side port")
        let plan = try #require(MediaChangeTests.plan(in: settled))
        #expect(plan.videoRelayed)
        #expect(plan.caller.localPorts == [30000, 30010] && plan.callee.localPorts == [30004, 30012])
        #expect(plan.caller.session.video?.remotePort == 5006 && plan.callee.session.video?.remotePort == 5006)
        #expect(!settled.contains(.releaseVideo), "the ports are the call's now")
    }

    @Test func videoAddedByTheDoorGetsPortsThenReachesTheCallee() throws {
        var call = try audioOnlyCall()
        let change = call.machine.receiveSessionOffer(try Self.doorAddsVideo(), from: .caller, at: call.now)
        #expect(change.outcome == .forwarded && change.actions == [.allocateVideo])
        let forwarded = call.record(call.machine.receiveVideoPorts(Self.ports, at: call.now))
        let toCarol = try #require(HoldTests.reinvite(in: forwarded, toward: .callee), "\(forwarded)")
        #expect(VideoAddTests.videoLine(toCarol)?.port == 30012)
        #expect(MediaChangeTests.audioLine(toCarol).hasPrefix("m=audio 30004"))
        let carolAnswer = try CallHarness.answer(to: toCarol, codecs: [.pcmu], video: [.h264], address: "10.0.0.8")
        let settled = call.record(call.machine.receiveReinviteResponse(200, sdp: carolAnswer, from: .callee, at: call.now))
        let toDoor = try #require(HoldTests.pendingAnswer(in: settled, for: .caller))
        #expect(VideoAddTests.videoLine(toDoor)?.port == 30010)
        #expect(MediaChangeTests.plan(in: settled)?.videoRelayed == true)
    }

    @Test func aLegWithoutVideoGetsNoPortsAndTheVideoIsAnsweredWithPortZero() throws {
        // alice (opus, PCMU: no video) answers the door's audio-only call; the door adds video.
        var call = try audioOnlyCall(dialled: "101", contacts: ["alice": ["sip:alice@10.0.0.7"]])
        let change = call.machine.receiveSessionOffer(try Self.doorAddsVideo(), from: .caller, at: call.now)
        guard case .answered(let answer) = change.outcome else { Issue.record("\(change.outcome)"); return }
        #expect(VideoAddTests.videoLine(answer)?.port == 0)
        #expect(MediaChangeTests.audioLine(answer).hasPrefix("m=audio 30000"), "audio goes on")
        #expect(!change.actions.contains(.allocateVideo) && HoldTests.reinvite(in: change.actions, toward: .callee) == nil)
    }

    @Test func withoutPortsFromTheEngineTheVideoIsAnsweredWithPortZeroAndAudioGoesOn() throws {
        var call = try audioOnlyCall()
        let change = call.machine.receiveSessionOffer(try Self.carolAddsVideo(), from: .callee, at: call.now)
        #expect(change.actions == [.allocateVideo])
        let answered = call.record(call.machine.receiveVideoPorts(nil, at: call.now))
        let toCarol = try #require(HoldTests.pendingAnswer(in: answered, for: .callee), "\(answered)")
        #expect(VideoAddTests.videoLine(toCarol)?.port == 0, "ports exhausted: refused")
        #expect(MediaChangeTests.audioLine(toCarol).hasPrefix("m=audio 30004"))
        #expect(HoldTests.reinvite(in: answered, toward: .caller) == nil, "nothing to offer the door")
        let plan = try #require(MediaChangeTests.plan(in: answered))
        #expect(!plan.videoRelayed && !plan.needsTranscoding && plan.callee.session.audio?.remotePort == 5004)
        #expect(!answered.contains(.releaseVideo))
        // Her refresh repeating the refused video is no new addition (no ports asked again).
        let refresh = call.machine.receiveSessionOffer(try Self.carolAddsVideo(version: 3), from: .callee, at: call.now)
        #expect(!refresh.actions.contains(.allocateVideo))
    }

    @Test func anErrorAnswerToTheForwardedOfferReleasesThePorts() throws {
        var call = try audioOnlyCall()
        _ = try forwardedToTheDoor(&call)
        let refused = call.record(call.machine.receiveReinviteResponse(488, sdp: nil, from: .caller, at: call.now))
        #expect(MediaChangeTests.rejection(in: refused, for: .callee) == 488, "RFC 3261 §14.1: carol hears the refusal")
        #expect(refused.contains(.releaseVideo))
        #expect(MediaChangeTests.plan(in: refused) == nil, "both sessions as they were")
        // The call is audio-only again: carol's next try asks the engine for ports anew.
        let again = call.machine.receiveSessionOffer(try Self.carolAddsVideo(version: 3), from: .callee, at: call.now)
        #expect(again.actions == [.allocateVideo])
    }

    @Test func aTwoHundredRefusingTheVideoReleasesThePortsAtOnce() throws {
        var call = try audioOnlyCall()
        let toDoor = try forwardedToTheDoor(&call)
        // The door answers 200 with the added stream refused (port 0, RFC 3264 §6).
        let doorAnswer = try CallHarness.answer(to: toDoor, codecs: [.pcmu], address: "192.168.10.2")
        #expect(VideoAddTests.videoLine(doorAnswer)?.port == 0)
        let settled = call.record(call.machine.receiveReinviteResponse(200, sdp: doorAnswer, from: .caller, at: call.now))
        #expect(settled.contains(.releaseVideo), "the new ports go back now, not at the call's end")
        let toCarol = try #require(HoldTests.pendingAnswer(in: settled, for: .callee), "\(settled)")
        #expect(VideoAddTests.videoLine(toCarol)?.port == 0, "carol hears the video refused")
        #expect(MediaChangeTests.audioLine(toCarol).hasPrefix("m=audio 30004"), "her audio goes on")
        let plan = try #require(MediaChangeTests.plan(in: settled))
        #expect(!plan.videoRelayed && plan.caller.localPorts == [30000] && plan.callee.localPorts == [30004])
        // The released port is never offered again (RFC 3264 §8.2: the slot stays, with port 0).
        let door = try #require(call.machine.currentDescription(for: .caller))
        #expect(VideoAddTests.videoLine(door)?.port == 0, "\(door.text)")
        #expect(!door.text.contains("30010"))
        // The door may add video itself later: the engine is asked for ports anew.
        let again = call.machine.receiveSessionOffer(try Self.doorAddsVideo(version: 3), from: .caller, at: call.now)
        #expect(again.actions == [.allocateVideo])
    }

    @Test func glareRetriesOnTheSamePortsAndReleasesThemWhenItGivesUp() throws {
        var call = try audioOnlyCall()
        let first = try forwardedToTheDoor(&call)
        for _ in 0..<HoldRelay.glareRetryLimit {
            let glare = call.machine.receiveReinviteResponse(491, sdp: nil, from: .caller, at: call.now, backoff: 0)
            #expect(!glare.contains(.releaseVideo))
            let retry = call.machine.timerFired(.reinviteRetry(.caller), at: call.now)
            let again = try #require(HoldTests.reinvite(in: retry, toward: .caller))
            #expect(VideoAddTests.videoLine(again)?.port == VideoAddTests.videoLine(first)?.port, "the same ports")
        }
        let gaveUp = call.machine.receiveReinviteResponse(491, sdp: nil, from: .caller, at: call.now, backoff: 0)
        #expect(MediaChangeTests.rejection(in: gaveUp, for: .callee) == 491)
        #expect(gaveUp.contains(.releaseVideo))
    }

    @Test func whileThePortsAreReservedOtherOffersWaitOrStayLocalAndAnEndedCallTakesNothing() throws {
        var call = try audioOnlyCall()
        _ = call.machine.receiveSessionOffer(try Self.carolAddsVideo(), from: .callee, at: call.now)
        // RFC 3261 §14.2: carol's own offer is pending.
        #expect(call.machine.receiveSessionOffer(try Self.carolAddsVideo(version: 3), from: .callee, at: call.now).outcome
            == .rejected(status: 500))
        // The door's refresh crossing it is answered here; nothing goes into carol's dialog.
        let door = call.machine.receiveSessionOffer(try HoldTests.doorOffer("sendrecv", version: 2), from: .caller, at: call.now)
        guard case .answered = door.outcome else { Issue.record("\(door.outcome)"); return }
        #expect(HoldTests.reinvite(in: door.actions, toward: .callee) == nil)
        // carol hangs up before the engine answers: the call's release frees everything.
        let bye = call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)
        #expect(bye.contains(.releaseMedia))
        #expect(call.machine.receiveVideoPorts(Self.ports, at: call.now).isEmpty)
    }
}
