import Testing
@testable import SIPCore

@Suite struct ViaTests {
    @Test func parsesTheRFC3261Example() throws {
        let via = try Via(parsing: "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds")
        #expect(via.protocolName == "SIP")
        #expect(via.protocolVersion == "2.0")
        #expect(via.transport == "UDP")
        #expect(via.host == .name("pc33.atlanta.com"))
        #expect(via.port == nil)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.isRFC3261Branch)
        #expect(via.rport == nil)
        #expect(via.received == nil)
        #expect(via.description == "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var transport: String
        var host: SIPHost
        var port: UInt16?
        var branch: String?
        var received: String? = nil
        var rport: Via.ResponsePort? = nil
        var testDescription: String { text }
    }

    static let cases: [Case] = [
        Case(text: "SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b43", transport: "TCP",
             host: .name("client.atlanta.example.com"), port: 5060, branch: "z9hG4bK74b43"),
        // RFC 3581 §4: rport requested, then filled in together with received.
        Case(text: "SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff", transport: "UDP", host: .ipv4("10.1.1.1"),
             port: 4540, branch: "z9hG4bKkjshdyff", rport: .requested),
        Case(text: "SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff", transport: "UDP",
             host: .ipv4("10.1.1.1"), port: 4540, branch: "z9hG4bKkjshdyff", received: "192.0.2.1", rport: .port(9988)),
        // RFC 4475 §3.1.1.1 (wsinv): spaces and folding everywhere LWS may be.
        Case(text: "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw", transport: "UDP", host: .ipv4("192.0.2.2"),
             branch: "390skdjuw"),
        Case(text: "SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239", transport: "UDP",
             host: .ipv4("192.168.255.111"), branch: "z9hG4bK30239"),
        Case(text: " SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ", transport: "TCP",
             host: .name("spindle.example.com"), branch: "z9hG4bK9ikj8"),
        // RFC 4475 §3.1.1.10 (transports).
        Case(text: "SIP/2.0/TLS-SCTP t3.example.com;branch=z9hG4bKkdjuw", transport: "TLS-SCTP", host: .name("t3.example.com"),
             branch: "z9hG4bKkdjuw"),
        Case(text: "SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKkdjuw", transport: "UNKNOWN", host: .name("t4.example.com"),
             branch: "z9hG4bKkdjuw"),
        // RFC 4475 §3.4.1 (inv2543): no branch at all.
        Case(text: "SIP/2.0/UDP 192.0.2.15", transport: "UDP", host: .ipv4("192.0.2.15")),
        // RFC 5118 §4.5: IPv6 sent-by, received with and without brackets.
        Case(text: "SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111", transport: "UDP",
             host: .ipv6("2001:db8::9:1"), branch: "z9hG4bKas3-111", received: "[2001:db8::9:255]"),
        Case(text: "SIP/2.0/UDP [2001:db8::9:1]:5070;received=2001:db8::9:255;branch=z9hG4bKas3", transport: "UDP",
             host: .ipv6("2001:db8::9:1"), port: 5070, branch: "z9hG4bKas3", received: "2001:db8::9:255"),
        Case(text: "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf;rport", transport: "WSS",
             host: .name("df7jal23ls0d.invalid"), branch: "z9hG4bKasudf", rport: .requested),
        Case(text: "sip/2.0/udp host.example.com : 5062 ;BRANCH=z9hG4bKx", transport: "udp", host: .name("host.example.com"),
             port: 5062, branch: "z9hG4bKx"),
    ]

    @Test(arguments: cases)
    func parses(_ expected: Case) throws {
        let via = try Via(parsing: expected.text)
        #expect(via.transport == expected.transport)
        #expect(via.host == expected.host)
        #expect(via.port == expected.port)
        #expect(via.branch == expected.branch)
        #expect(via.received == expected.received)
        #expect(via.rport == expected.rport)
        #expect(try Via(parsing: via.description) == via)
    }

    static let invalid: [(String, SIPGrammarError)] = [
        ("", SIPGrammarError(.unexpectedEnd, in: .sentProtocol, at: 0)),
        ("SIP/2.0 host", SIPGrammarError(.unexpectedByte(UInt8(ascii: " ")), in: .sentProtocol, at: 7)),
        ("SIP/2.0/UDP", SIPGrammarError(.unexpectedEnd, in: .sentProtocol, at: 11)),
        ("SIP/2.0/UDPhost", SIPGrammarError(.unexpectedEnd, in: .sentProtocol, at: 15)),
        ("SIP/2.0/UDP host:", SIPGrammarError(.unexpectedEnd, in: .port, at: 17)),
        ("SIP/2.0/UDP host:70000", SIPGrammarError(.numberOutOfRange, in: .port, at: 17)),
        ("SIP/2.0/UDP host;branch", SIPGrammarError(.invalidParameterValue, in: .via, at: 0)),
        ("SIP/2.0/UDP host;ttl=256", SIPGrammarError(.invalidParameterValue, in: .via, at: 0)),
        ("SIP/2.0/UDP host;received=host.example.com", SIPGrammarError(.invalidParameterValue, in: .via, at: 0)),
        ("SIP/2.0/UDP host;rport=abc", SIPGrammarError(.invalidParameterValue, in: .via, at: 0)),
        ("SIP/2.0/UDP host, SIP/2.0/UDP other", SIPGrammarError(.unexpectedByte(UInt8(ascii: ",")), in: .via, at: 16)),
        ("SIP/2.0/UDP [::1", SIPGrammarError(.unexpectedEnd, in: .host, at: 16)),
    ]

    @Test func rejects() {
        for (text, error) in Self.invalid {
            #expect(throws: error, "\(text)") { try Via(parsing: text) }
        }
    }

    @Test func branchMagicCookieIsCaseSensitive() throws {
        #expect(!(try Via(parsing: "SIP/2.0/UDP h;branch=Z9HG4BK123")).isRFC3261Branch)
        #expect(!(try Via(parsing: "SIP/2.0/UDP h;branch=z9hG4b")).isRFC3261Branch)
        #expect(try Via(parsing: "SIP/2.0/UDP h;branch=z9hG4bKx").isRFC3261Branch)
        // RFC 4475 §3.2.1 (badbranch): the cookie without an identifier.
        #expect(!(try Via(parsing: "SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK")).isRFC3261Branch)
    }

    @Test func serverFillsInReceivedAndRPort() throws {
        // RFC 3581 §4 / RFC 3261 §18.2.1: the server adds received and fills in rport.
        var via = try Via(parsing: "SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff")
        via.received = "192.0.2.1"
        via.rport = .port(9988)
        #expect(via.description == "SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1")
        via.rport = nil
        via.received = nil
        #expect(via.description == "SIP/2.0/UDP 10.1.1.1:4540;branch=z9hG4bKkjshdyff")
        let built = Via(transport: "TCP", host: .ipv6("2001:db8::1"), port: 5060, branch: "z9hG4bKabc")
        #expect(built.description == "SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKabc")
        var flagged = built
        flagged.rport = .requested
        #expect(flagged.description.hasSuffix(";branch=z9hG4bKabc;rport"))
    }

    @Test func parsesFromAnOffsetSliceAndKeepsOtherParameters() throws {
        let storage = Array("Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;maddr=224.2.0.1;ttl=16;x-custom=\"q v\"\r\n".utf8)
        let via = try Via(parsing: storage[5..<(storage.count - 2)])
        #expect(via.maddr == "224.2.0.1")
        #expect(via.ttl == 16)
        #expect(via.parameters["x-custom"] == "\"q v\"")
        #expect(via.parameters.parameter(named: "X-CUSTOM")?.unquotedValue == "q v")
    }
}
