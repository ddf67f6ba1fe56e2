import B2BUA
import DialPlan
import SDP
import Testing

/// The dial plan's per-leg media profile as the SDP negotiator sees it: `srtp_suites`.
@Suite struct MediaProfileSDPTests {
    static let leg = PlanMediaProfile(codecs: [.opus, .pcmu], dtmf: .phoneDefault, srtp: .require, video: .strip)

    @Test func withoutSuitesTheOfferKeepsAESCMAndTheAnswerTakesAnyKeyedSuite() {
        let profile = SDPMediaProfile(leg: Self.leg, name: "alice")
        #expect(profile.cryptoSuites == ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])
        #expect(profile.acceptedCryptoSuites == nil)
        #expect(profile.srtp == .require)
    }

    @Test func configuredSuitesOrderTheOfferAndLimitTheAnswer() {
        var leg = Self.leg
        leg.srtpSuites = [.aeadAES128GCM, .aesCM128HMACSHA1_80]
        let profile = SDPMediaProfile(leg: leg, name: "alice")
        #expect(profile.cryptoSuites == ["AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"])
        #expect(profile.acceptedCryptoSuites == ["AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"])
    }
}
