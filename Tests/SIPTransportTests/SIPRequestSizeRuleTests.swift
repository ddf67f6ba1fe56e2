import SIPCore
import Testing

@testable import SIPTransport

@Suite struct SIPRequestSizeRuleTests {
    @Test func unknownMTUMovesRequestsAbove1300BytesToTCP() {
        let rule = SIPRequestSizeRule()
        #expect(rule.decision(requestSize: 1_300, transport: .udp) == .keep)
        #expect(rule.decision(requestSize: 1_301, transport: .udp) == .switchToTCP)
    }

    @Test func knownMTUKeeps200BytesMargin() {
        let rule = SIPRequestSizeRule(pathMTU: 9_000)
        #expect(rule.decision(requestSize: 8_800, transport: .udp) == .keep)
        #expect(rule.decision(requestSize: 8_801, transport: .udp) == .switchToTCP)
    }

    @Test func onlyUDPMovesAndOnlyWhenThePeerHasTCP() {
        let rule = SIPRequestSizeRule()
        #expect(rule.decision(requestSize: 60_000, transport: .tcp) == .keep)
        #expect(rule.decision(requestSize: 60_000, transport: .tls) == .keep)
        #expect(rule.decision(requestSize: 60_000, transport: .udp, peerSupportsTCP: false) == .keep)
    }

    @Test func measuresTheSerializedRequestAndRewritesTheTopVia() throws {
        let body = String(repeating: "v=0\r\n", count: 300)
        var request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKbig", body: body))
        #expect(SIPRequestSizeRule().decision(for: request, transport: .udp) == .switchToTCP)
        try SIPRequestSizeRule.setTopViaTransport(&request, to: .tcp)
        #expect(request.headers.first(.via).map { String(decoding: $0, as: UTF8.self) } == "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKbig")
        let small = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKsmall"))
        #expect(SIPRequestSizeRule().decision(for: small, transport: .udp) == .keep)
    }
}
