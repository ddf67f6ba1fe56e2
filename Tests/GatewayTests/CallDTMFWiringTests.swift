import DTMF
import DialPlan
import NIOCore
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

    @Test(arguments: ["rfc4733", "info", "inband", "auto"])
    func everyDialPlanModeMapsToTheSameInterworkingMode(mode: String) throws {
        let profile = DTMFProfile(mode: try #require(.init(rawValue: mode)), minDuration: .milliseconds(100), gap: .milliseconds(100))
        let leg = CallContext.legConfiguration(name: "x", profile: profile, telephoneEvent: false, infoAllowed: false)
        #expect(leg.mode.rawValue == mode)
    }
}
