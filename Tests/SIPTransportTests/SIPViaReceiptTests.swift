import NIOCore
import SIPCore
import Testing

@testable import SIPTransport

@Suite struct SIPViaReceiptTests {
    let source = try! SocketAddress(ipAddress: "192.0.2.77", port: 40_123)

    private func via(_ text: String) throws -> Via { try Via(parsing: text) }

    @Test func addsReceivedForDomainName() throws {
        let stamped = try #require(SIPViaReceipt.stamp(try via("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1"), source: source))
        #expect(stamped.received == "192.0.2.77")
        #expect(stamped.rport == nil)
    }

    @Test func addsReceivedForDifferentAddress() throws {
        let stamped = try #require(SIPViaReceipt.stamp(try via("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1"), source: source))
        #expect(stamped.description == "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=192.0.2.77")
    }

    @Test func leavesMatchingAddressAlone() throws {
        #expect(SIPViaReceipt.stamp(try via("SIP/2.0/UDP 192.0.2.77:5060;branch=z9hG4bK1"), source: source) == nil)
        let v6 = try SocketAddress(ipAddress: "2001:db8::1", port: 5060)
        #expect(SIPViaReceipt.stamp(try via("SIP/2.0/TCP [2001:DB8:0::1];branch=z9hG4bK1"), source: v6) == nil)
    }

    /// RFC 3581 §4: with an empty rport, received is added even when the address matches.
    @Test func fillsRportAndAlwaysAddsReceived() throws {
        let stamped = try #require(SIPViaReceipt.stamp(try via("SIP/2.0/UDP 192.0.2.77:5060;rport;branch=z9hG4bK1"), source: source))
        #expect(stamped.description == "SIP/2.0/UDP 192.0.2.77:5060;rport=40123;branch=z9hG4bK1;received=192.0.2.77")
    }

    @Test func leavesFilledRportAlone() throws {
        #expect(SIPViaReceipt.stamp(try via("SIP/2.0/UDP 192.0.2.77:5060;rport=1234;branch=z9hG4bK1"), source: source) == nil)
    }

    @Test func stampsOnlyTheTopValueOfACombinedField() throws {
        var message = try SIPParser().parse(
            "INVITE sip:bob@example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP phone.example.com;rport;branch=z9hG4bKtop, SIP/2.0/UDP proxy.example.com;branch=z9hG4bKlow\r\n"
                + "Via: SIP/2.0/UDP origin.example.com;branch=z9hG4bK0\r\n"
                + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n")
        try SIPViaReceipt.stamp(request: &message, source: source)
        let values = message.headers.values(.via).map { String(decoding: $0, as: UTF8.self) }
        #expect(values == [
            "SIP/2.0/UDP phone.example.com;rport=40123;branch=z9hG4bKtop;received=192.0.2.77",
            "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKlow",
            "SIP/2.0/UDP origin.example.com;branch=z9hG4bK0",
        ])
        // The rewritten message still parses.
        let reparsed = try SIPParser().parse(message.serialized())
        #expect(try #require(try reparsed.topVia).rport == .port(UInt16(40_123)))
    }

    @Test func mapsIPv4MappedSourceToIPv4() throws {
        let mapped = try SocketAddress(ipAddress: "::ffff:192.0.2.77", port: 5060)
        #expect(SIPAddressText.ipString(of: mapped) == "192.0.2.77")
        #expect(SIPViaReceipt.stamp(try via("SIP/2.0/UDP 192.0.2.77;branch=z9hG4bK1"), source: mapped) == nil)
    }
}
