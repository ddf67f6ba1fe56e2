import SIPCore
import Testing

@testable import SIPTransport

/// RFC 3261 §18.2.2 and RFC 3581 §4, one case per rule.
@Suite struct SIPResponseRoutingTests {
    private func target(_ via: String, over transport: SIPTransportProtocol = .udp, connection: SIPConnectionID? = nil) throws
        -> SIPResponseTarget
    {
        SIPResponseRouting.target(
            for: try Via(parsing: via), arrivedOver: transport, connection: connection)
    }

    @Test func reliableUsesTheRequestConnectionThenReceivedAndSentByPort() throws {
        let id = SIPConnectionID(rawValue: 7)
        let result = try target("SIP/2.0/TCP pc.example.com:5070;received=192.0.2.9;rport=61000", over: .tcp, connection: id)
        #expect(result == SIPResponseTarget(connection: id, host: "192.0.2.9", port: 5070, transport: .tcp))
    }

    @Test func reliableDefaultsToTLSPort() throws {
        let result = try target("SIP/2.0/TLS pc.example.com", over: .tls, connection: nil)
        #expect(result == SIPResponseTarget(host: "pc.example.com", port: 5061, transport: .tls))
        #expect(result.needsResolution)
    }

    @Test func unreliableUsesReceivedAndRport() throws {
        let result = try target("SIP/2.0/UDP 10.0.0.5:5060;rport=40123;received=192.0.2.77")
        #expect(result == SIPResponseTarget(host: "192.0.2.77", port: 40_123, transport: .udp))
        #expect(!result.needsResolution)
    }

    @Test func unreliableUsesReceivedAndSentByPortWithoutRport() throws {
        #expect(try target("SIP/2.0/UDP 10.0.0.5:5062;received=192.0.2.77") == SIPResponseTarget(host: "192.0.2.77", port: 5062, transport: .udp))
        #expect(try target("SIP/2.0/UDP 10.0.0.5;received=192.0.2.77") == SIPResponseTarget(host: "192.0.2.77", port: 5060, transport: .udp))
    }

    @Test func maddrWins() throws {
        let result = try target("SIP/2.0/UDP 10.0.0.5:5062;maddr=239.255.255.1;ttl=1;received=192.0.2.77;rport=4000")
        #expect(result == SIPResponseTarget(host: "239.255.255.1", port: 5062, transport: .udp))
    }

    @Test func sentByWithoutReceived() throws {
        #expect(try target("SIP/2.0/UDP 192.0.2.8:5080") == SIPResponseTarget(host: "192.0.2.8", port: 5080, transport: .udp))
        #expect(try target("SIP/2.0/UDP [2001:db8::8]") == SIPResponseTarget(host: "2001:db8::8", port: 5060, transport: .udp))
    }

    @Test func bracketedIPv6ReceivedIsAccepted() throws {
        #expect(try target("SIP/2.0/UDP a.example;received=[2001:db8::8];rport=7000")
            == SIPResponseTarget(host: "2001:db8::8", port: 7_000, transport: .udp))
    }
}
