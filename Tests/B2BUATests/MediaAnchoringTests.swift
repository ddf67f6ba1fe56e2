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
}
