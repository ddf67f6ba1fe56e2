import MediaRelay
import SDP
import SecureRTP
import Testing
@testable import Gateway

/// SDES keys through a call: the keys `MediaEngineSessions` allocates go into our SDP, and a
/// negotiated crypto line becomes the leg's SRTP settings (our key protects, the peer's key
/// unprotects). The call itself runs in scripts/interop-media with baresip.
@Suite struct MediaEngineSessionsSRTPTests {
    static let profile = SDP.MediaProfile(name: "phone", audioCodecs: [.pcmu], srtp: .require)

    @Test func freshKeysCoverEverySuiteAndDifferEachTime() throws {
        let first = MediaEngineSessions.freshKeys()
        let second = MediaEngineSessions.freshKeys()
        for suite in SRTPCryptoSuite.allCases {
            let text = try #require(first[suite.sdesName])
            #expect((try? SDESKeyParameters(parsing: text, suite: suite)) != nil, "\(suite): \(text)")
            #expect(second[suite.sdesName] != text)
        }
    }

    @Test func theNegotiatedCryptoLineConfiguresTheLeg() throws {
        // We offer (RTP/SAVP, our keys), the peer answers with its key for the first suite.
        let ours = MediaEngineSessions.freshKeys()
        let theirs = MediaEngineSessions.freshKeys()
        let negotiator = Negotiator(profile: Self.profile)
        let offer = negotiator.offer(local: LocalMedia(address: "127.0.0.1", ports: [20000], sessionID: "1", cryptoKeys: [ours]))
        let answer = try Negotiator(profile: Self.profile).answer(
            to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2", cryptoKeys: [theirs]))
        let session = try negotiator.negotiate(offer: offer, answer: answer.description)

        let leg = try #require(try MediaEngineSessions.configuration(session))
        let srtp = try #require(leg.srtp)
        #expect(srtp.suite == .aesCM128HMACSHA1_80)
        #expect(srtp.localKey.description == ours["AES_CM_128_HMAC_SHA1_80"])
        #expect(srtp.remoteKey.description == theirs["AES_CM_128_HMAC_SHA1_80"])
        // The answerer's view is the mirror image.
        let mirrored = try #require(try MediaEngineSessions.configuration(answer.session)?.srtp)
        #expect(mirrored.localKey == srtp.remoteKey && mirrored.remoteKey == srtp.localKey)
    }

    @Test func plainRTPHasNoSRTPAndABadKeyIsAnError() throws {
        let plain = SDP.MediaProfile(name: "door", audioCodecs: [.pcmu])
        let negotiator = Negotiator(profile: plain)
        let offer = negotiator.offer(local: LocalMedia(address: "127.0.0.1", ports: [20000], sessionID: "1"))
        let answer = try negotiator.answer(to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2"))
        #expect(try MediaEngineSessions.configuration(answer.session)?.srtp == nil)

        // A key of the wrong length for its suite (the SDP layer only checks the syntax).
        var short = MediaEngineSessions.freshKeys()
        short["AES_CM_128_HMAC_SHA1_80"] = "inline:AAAAAAAAAAAAAAAAAAAAAA=="
        let secure = Negotiator(profile: Self.profile)
        let secureOffer = secure.offer(local: LocalMedia(address: "127.0.0.1", ports: [20000], sessionID: "1", cryptoKeys: [short]))
        let secureAnswer = try secure.answer(
            to: secureOffer, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2",
                                               cryptoKeys: [MediaEngineSessions.freshKeys()]))
        #expect(throws: (any Error).self) { try MediaEngineSessions.configuration(secureAnswer.session) }
    }
}
