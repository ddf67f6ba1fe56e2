@testable import B2BUA
import SDP
import Testing

/// The answer `start` builds is reused by the first anchor only where building it again with
/// the anchor's profile would give the same answer.
@Suite struct PreparedCallerAnswerTests {
    static let audioOffer = """
        v=0\r
        o=door 1 1 IN IP4 192.168.10.2\r
        s=-\r
        c=IN IP4 192.168.10.2\r
        t=0 0\r
        m=audio 4000 RTP/AVP 0 8\r
        a=sendrecv\r

        """
    static let videoOffer = audioOffer + """
        m=video 4002 RTP/AVP 99\r
        a=rtpmap:99 H264/90000\r

        """
    static let local = LocalMedia(address: "203.0.113.10", ports: [40000, 40002], sessionID: "7")
    static let profile = SDPMediaProfile(name: "door", audioCodecs: [.pcmu, .pcma], videoCodecs: [.h264], video: .pass)

    func prepared(_ offer: SessionDescription) throws -> PreparedCallerAnswer {
        PreparedCallerAnswer(profile: Self.profile,
                             answer: try Negotiator(profile: Self.profile).answer(to: offer, local: Self.local))
    }

    @Test func theSameProfileGetsTheKeptAnswer() throws {
        let offer = try SDPParser().parse(Self.audioOffer)
        let kept = try prepared(offer)
        let reused = try #require(kept.answer(for: Self.profile, offer: offer))
        #expect(reused == (try Negotiator(profile: Self.profile).answer(to: offer, local: Self.local)))
    }

    @Test func videoSettingsDoNotMatterWithoutAVideoStream() throws {
        let offer = try SDPParser().parse(Self.audioOffer)
        var stripped = Self.profile
        stripped.video = .strip
        stripped.videoCodecs = []
        let reused = try #require(try prepared(offer).answer(for: stripped, offer: offer))
        #expect(reused == (try Negotiator(profile: stripped).answer(to: offer, local: Self.local)))
    }

    @Test func videoSettingsMatterWithAVideoStream() throws {
        let offer = try SDPParser().parse(Self.videoOffer)
        var stripped = Self.profile
        stripped.video = .strip
        #expect(try prepared(offer).answer(for: stripped, offer: offer) == nil)
        let fresh = try Negotiator(profile: stripped).answer(to: offer, local: Self.local)
        #expect(fresh != (try prepared(offer)).answer, "stripping video changes the answer: the box must not serve it")
    }

    @Test func anotherCodecOrderBuildsAgain() throws {
        let offer = try SDPParser().parse(Self.audioOffer)
        var reordered = Self.profile
        reordered.audioCodecs = [.pcma, .pcmu]
        #expect(try prepared(offer).answer(for: reordered, offer: offer) == nil)
    }
}
