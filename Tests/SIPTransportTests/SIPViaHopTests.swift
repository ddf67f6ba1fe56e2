import SIPCore
import Testing

@testable import SIPTransport

@Suite struct SIPViaHopTests {
    @Test func readsSentByAndParameters() throws {
        let via = try SIPViaHop(parsing: ArraySlice("SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds ;rport".utf8))
        #expect(via.transport == .udp)
        #expect(via.host == "pc33.atlanta.com")
        #expect(via.port == 5066)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.hasRport)
        #expect(via.rportValue == nil)
        #expect(via.description == "SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport")
    }

    @Test func readsIPv6ReferenceAndLowerCaseTransport() throws {
        let via = try SIPViaHop(parsing: ArraySlice("SIP / 2.0 / tls [2001:db8::9:1];received=2001:db8::9:255;rport=5061".utf8))
        #expect(via.transport == .tls)
        #expect(via.host == "2001:db8::9:1")
        #expect(via.port == nil)
        #expect(via.received == "2001:db8::9:255")
        #expect(via.rportValue == 5061)
        #expect(via.description == "SIP/2.0/tls [2001:db8::9:1];received=2001:db8::9:255;rport=5061")
    }

    @Test func keepsQuotedExtensionParameters() throws {
        let via = try SIPViaHop(parsing: ArraySlice(#"SIP/2.0/TCP 192.0.2.4;x="a;b";branch=z9hG4bK1"#.utf8))
        #expect(via.parameter("x") == .some(#""a;b""#))
        #expect(via.branch == "z9hG4bK1")
    }

    @Test(arguments: [
        "", "SIP/2.0", "SIP/2.0/UDP", "SIP/2.0/UDP ", "SIP/2.0/UDP host:99999", "SIP/2.0/UDP host:",
        "SIP/2.0/UDP [::1", "SIP/2.0/UDP host;", "SIP/2.0/UDP host junk", "SIP/2.0/UDPhost",
    ])
    func rejectsMalformedValues(_ text: String) {
        #expect(throws: SIPViaError.self) { try SIPViaHop(parsing: ArraySlice(text.utf8)) }
    }

    @Test func rejectsOverlongValue() {
        let text = "SIP/2.0/UDP host;x=" + String(repeating: "a", count: SIPViaHop.maxLength)
        #expect(throws: SIPViaError.self) { try SIPViaHop(parsing: ArraySlice(text.utf8)) }
    }
}
