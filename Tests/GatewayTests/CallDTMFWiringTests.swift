import B2BUA
import DTMF
import DialPlan
import NIOCore
import SDP
import Testing

@testable import Gateway

/// The call layer's mapping from the dial plan's DTMF profiles to the interworking's legs, and
/// which INFO bodies it takes for DTMF (issue 8). Whole calls: scripts/interop-dtmf.
@Suite struct CallDTMFWiringTests {
    @Test(arguments: [
        ("application/dtmf-relay", true), ("Application/DTMF-Relay; charset=utf-8", true), ("application/dtmf", true),
        (" application/dtmf ", true), ("application/sdp", false), ("application/dtmf-relayx", false), ("text/plain", false),
    ])
    func dtmfInfoBodiesAreRecognised(contentType: String, expected: Bool) {
        #expect(CallContext.isDTMFInfo(contentType) == expected)
    }

    @Test func aMissingContentTypeIsNotDTMF() {
        #expect(!CallContext.isDTMFInfo(nil))
    }

    @Test func aDoorProfileBecomesAnINFOLegWithItsPacing() {
        let profile = DTMFProfile(mode: .info, body: .dtmf, minDuration: .milliseconds(300), gap: .milliseconds(500))
        let leg = CallContext.legConfiguration(name: "front-door", profile: profile, telephoneEvent: true, infoAllowed: true)
        #expect(leg.name == "front-door")
        #expect(leg.mode == .info)
        #expect(leg.infoContentType == .dtmf)
        #expect(leg.minimumDurationMilliseconds == 300)
        #expect(leg.gap == .milliseconds(500))
        #expect(leg.sendMethod == .info)
    }

    @Test func aSoftphoneProfileSendsEventsOnlyWhenNegotiated() {
        let profile = DTMFProfile.phoneDefault
        let negotiated = CallContext.legConfiguration(name: "alice", profile: profile, telephoneEvent: true, infoAllowed: false)
        #expect(negotiated.mode == .rfc4733)
        #expect(negotiated.infoContentType == .dtmfRelay)
        #expect(negotiated.sendMethod == .rfc4733)
        let without = CallContext.legConfiguration(name: "alice", profile: profile, telephoneEvent: false, infoAllowed: true)
        #expect(without.sendMethod == .info)
        let inband = CallContext.legConfiguration(name: "alice", profile: profile, telephoneEvent: false, infoAllowed: false)
        #expect(inband.sendMethod == .inband)
    }

    /// Every mode but `inband` negotiates telephone-event: an `info` door that answers INFO
    /// 405/415/488/501 then gets RFC 4733 (INTEROP.md, SIP INFO DTMF); `inband` leaves the peer
    /// no other way than tones.
    @Test(arguments: [("rfc4733", true), ("info", true), ("auto", true), ("inband", false)])
    func telephoneEventIsNegotiatedUnlessTheModeIsInBand(mode: String, expected: Bool) throws {
        let dtmf = DTMFProfile(mode: try #require(.init(rawValue: mode)), minDuration: .milliseconds(250), gap: .milliseconds(400))
        let profile = SDPMediaProfile(leg: PlanMediaProfile(codecs: [.pcmu], dtmf: dtmf, srtp: .off, video: .strip), name: "door")
        #expect(profile.telephoneEvent == expected)
    }

    @Test(arguments: ["rfc4733", "info", "inband", "auto"])
    func everyDialPlanModeMapsToTheSameInterworkingMode(mode: String) throws {
        let profile = DTMFProfile(mode: try #require(.init(rawValue: mode)), minDuration: .milliseconds(100), gap: .milliseconds(100))
        let leg = CallContext.legConfiguration(name: "x", profile: profile, telephoneEvent: false, infoAllowed: false)
        #expect(leg.mode.rawValue == mode)
    }
}
