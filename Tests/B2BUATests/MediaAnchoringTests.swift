import B2BUA
import Foundation
import SDP
import Testing

/// Video handling across legs (INTEROP.md, doors): never reject the call for video.
@Suite struct MediaAnchoringTests {
    @Test func videoTheCalleeCannotTakeIsAnsweredWithPortZero() throws {
        var call = try CallHarness(dialled: "101", contacts: ["alice": ["sip:alice@10.0.0.7"]],
                                   offer: CallHarness.doorVideoOffer)
        let invite = try #require(call.start().createdLegs.first)
        #expect(!invite.offer.text.contains("m=video"), "alice has no video codec: audio only")
        let answered = try call.answer(CallLegID(1), codecs: [.pcmu])
        let sdp = try #require(answered.callerResponse(200)?.sdp)
        #expect(sdp.media.count == 2, "every offered m-line is answered (RFC 3264 §6)")
        #expect(sdp.media.last?.port == 0)
        let plan = try #require(answered.mediaPlans.first)
        #expect(!plan.videoRelayed)
        #expect(plan.audio == .relay(.pcmu))
    }

    @Test func videoBothSidesSpeakIsRelayed() throws {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]],
                                   offer: CallHarness.doorVideoOffer)
        let invite = try #require(call.start().createdLegs.first)
        #expect(invite.offer.text.contains("m=video 30006"), "video offered on the gateway's second callee port")
        let answered = try call.answer(CallLegID(1), codecs: [.pcmu], video: [.h264])
        let sdp = try #require(answered.callerResponse(200)?.sdp)
        #expect(sdp.media.last?.port == 30002)
        let plan = try #require(answered.mediaPlans.first)
        #expect(plan.videoRelayed && !plan.needsTranscoding)
    }

    @Test func videoIsOfferedInTheCallersH264Configuration() throws {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]],
                                   offer: CallHarness.doorVideoOffer)
        let invite = try #require(call.start().createdLegs.first)
        let video = try #require(invite.offer.media.last)
        #expect(video.media == .video)
        let payloadType = try #require(video.formats.first)
        // RFC 6184 §8.2.2: passed through untouched, so the door's mode 1 and Baseline 3.1, not
        // the §8.1 default (mode 0, level 1) an fmtp-less offer would mean.
        #expect(video.formatParameters(for: payloadType)?.parameters == "profile-level-id=42801f;packetization-mode=1")
    }

    @Test func theCallerIsAnsweredAtTheLevelTheCalleeAccepted() throws {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]],
                                   offer: CallHarness.doorVideoOffer)
        _ = call.start()
        let level13 = SDPCodec(media: .video, name: "H264", clockRate: 90000,
                               formatParameters: "profile-level-id=42e00d;packetization-mode=1")
        let answered = try call.answer(CallLegID(1), codecs: [.pcmu], video: [level13])
        let sdp = try #require(answered.callerResponse(200)?.sdp)
        let video = try #require(sdp.media.last)
        #expect(video.port == 30002)
        #expect(video.formatParameters(for: "96")?.parameters == "profile-level-id=42800d;packetization-mode=1",
                "the door's profile at the phone's lower level (RFC 6184 §8.2.2)")
        #expect(try #require(answered.mediaPlans.first).videoRelayed)
    }

    @Test func aCalleeAnsweringAnotherPacketizationModeGetsNoVideoFromTheCaller() throws {
        var call = try CallHarness(dialled: "104", contacts: ["carol": ["sip:carol@10.0.0.8"]],
                                   offer: CallHarness.doorVideoOffer)
        _ = call.start()
        // A phone that ignores the offered mode and answers mode 0 (RFC 6184 §8.2.2 forbids it).
        let mode0 = SDPCodec(media: .video, name: "H264", clockRate: 90000,
                             formatParameters: "profile-level-id=42e01f;packetization-mode=0")
        let request = try call.request(CallLegID(1))
        var offer = request.offer
        offer.media[1].attributes = offer.media[1].attributes.filter { $0.name != "fmtp" }
        let sdp = try CallHarness.answer(to: offer, codecs: [.pcmu], video: [mode0], address: "10.0.0.8")
        let answered = call.final(200, from: CallLegID(1), sdp: sdp)
        let callerSDP = try #require(answered.callerResponse(200)?.sdp)
        #expect(callerSDP.media.last?.port == 0, "the door's mode 1 cannot be relayed to a mode 0 receiver")
        #expect(try #require(answered.mediaPlans.first).videoRelayed == false)
    }
}
