import SIPCore
import Testing
@testable import Gateway

/// From on a trunk leg (issue 6, header policy): the dial plan's number, else the calling
/// endpoint's number, never the internal phone's own From user or display name.
@Suite struct TrunkFromTests {
    @Test func userPartsAreEscapedOnlyWhereNeeded() {
        #expect(CallContext.uri("+46-8_1.2!~*'()&=$,;?/", host: "h").description == "sip:+46-8_1.2!~*'()&=$,;?/@h")
        #expect(CallContext.uri("alice smith", host: "h").description == "sip:alice%20smith@h")
        #expect(CallContext.uri("bjö@rn", host: "h").description == "sip:bj%C3%B6%40rn@h")
        #expect(CallContext.uri("sip:100@10.0.0.1", host: "h").description == "sip:100@10.0.0.1", "a URI is kept")
    }

    @Test func theTrunkNumberWins() {
        let from = CallContext.trunkFrom(number: "+4687654321", anonymous: true, callerNumber: "100",
                                         callerUser: "alice.smith", host: "sip.carrier.example")
        #expect(from.description == "<sip:+4687654321@sip.carrier.example>")
    }

    @Test func withoutATrunkNumberTheEndpointsNumberNotItsLogin() {
        let from = CallContext.trunkFrom(number: nil, anonymous: false, callerNumber: "100",
                                         callerUser: "alice.smith", host: "sip.carrier.example")
        #expect(from.description == "<sip:100@sip.carrier.example>")
        #expect(from.displayName == nil)
    }

    @Test func anonymousWithoutATrunkNumber() {
        let from = CallContext.trunkFrom(number: nil, anonymous: true, callerNumber: "100",
                                         callerUser: "alice.smith", host: "sip.carrier.example")
        #expect(from.uri.description == "sip:anonymous@anonymous.invalid", "RFC 3323 §4.1.1.3")
        #expect(from.displayName == "Anonymous")
    }

    @Test func aCallerThatIsNoEndpointKeepsItsOwnNumber() {
        // A carrier's call forwarded to another trunk: the number the carrier gave.
        let from = CallContext.trunkFrom(number: nil, anonymous: false, callerNumber: nil,
                                         callerUser: "+46701112233", host: "sip.carrier.example")
        #expect(from.description == "<sip:+46701112233@sip.carrier.example>")
    }
}
