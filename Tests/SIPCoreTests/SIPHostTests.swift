import Testing
@testable import SIPCore

@Suite struct SIPHostTests {
    @Test func classifiesHosts() throws {
        let cases: [(String, SIPHost)] = [
            ("atlanta.com", .name("atlanta.com")),
            ("a", .name("a")),
            ("x-1.example.", .name("x-1.example.")),
            ("123.example.com", .name("123.example.com")),
            ("192.0.2.4", .ipv4("192.0.2.4")),
            ("0.0.0.0", .ipv4("0.0.0.0")),
            ("255.255.255.255", .ipv4("255.255.255.255")),
            ("[::1]", .ipv6("::1")),
            ("[::]", .ipv6("::")),
            ("[2001:db8::]", .ipv6("2001:db8::")),
            ("[1:2:3:4:5:6:7:8]", .ipv6("1:2:3:4:5:6:7:8")),
            ("[1:2:3:4:5:6:192.0.2.1]", .ipv6("1:2:3:4:5:6:192.0.2.1")),
            ("[::ffff:192.0.2.1]", .ipv6("::ffff:192.0.2.1")),
        ]
        for (text, host) in cases {
            #expect(try SIPHost(parsing: text) == host, "\(text)")
            #expect(try SIPHost(parsing: text).description == text)
        }
    }

    @Test func rejectsMalformedHosts() {
        for text in ["", "-a.com", "a-.com", "a..com", ".a.com", "a.com..", "a.1", "1.2.3", "1.2.3.4.5", "256.0.0.1",
                     "1234.1.1.1", "[]", "[::1", "::1", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[12345::]", "[1:2:3:4:5:6:7:192.0.2.1]",
                     "[::1]x", "[g::1]", "[1:]", "[:1]", "exa mple.com", "a_b.com"] {
            #expect(throws: SIPGrammarError.self, "\(text)") { try SIPHost(parsing: text) }
        }
    }

    @Test func parsesBareAddresses() throws {
        #expect(try SIPHost(parsingAddress: ArraySlice("192.0.2.1".utf8)) == .ipv4("192.0.2.1"))
        #expect(try SIPHost(parsingAddress: ArraySlice("2001:db8::1".utf8)) == .ipv6("2001:db8::1"))
        #expect(try SIPHost(parsingAddress: ArraySlice("[2001:db8::1]".utf8)) == .ipv6("2001:db8::1"))
        #expect(throws: SIPGrammarError(.invalidHost, in: .host, at: 0)) {
            try SIPHost(parsingAddress: ArraySlice("example.com".utf8))
        }
    }

    @Test func comparesByValue() throws {
        let pairs: [(String, String, Bool)] = [
            ("Atlanta.COM", "atlanta.com", true),
            ("atlanta.com", "atlanta.com.", false),
            ("[2001:db8::1]", "[2001:DB8:0::0:1]", true),
            ("[::ffff:192.0.2.1]", "[::FFFF:C000:0201]", true),
            ("[::1]", "[::2]", false),
            ("192.0.2.1", "192.000.002.001", true),
            ("192.0.2.1", "[::ffff:192.0.2.1]", false),
            ("localhost", "127.0.0.1", false),
        ]
        for (lhs, rhs, equal) in pairs {
            #expect(try SIPHost(parsing: lhs).isEquivalent(to: try SIPHost(parsing: rhs)) == equal, "\(lhs) vs \(rhs)")
        }
        #expect(SIPHost.name("a").isIPAddress == false)
        #expect(SIPHost.ipv6("::1").isIPAddress)
        #expect(SIPHost.ipv6("::1").text == "::1")
    }
}

@Suite struct SIPParametersTests {
    @Test func looksUpNamesIgnoringCase() {
        var parameters: SIPParameters = [("Transport", "TCP"), ("lr", nil), ("tag", "1"), ("TAG", "2")]
        #expect(parameters["transport"] == "TCP")
        #expect(parameters.contains("LR"))
        #expect(parameters["lr"] == nil, "a flag has no value")
        #expect(parameters["tag"] == "1", "the first of two wins")
        #expect(parameters.firstIndex(named: "tAg") == 2)
        #expect(parameters.parameter(named: "missing") == nil)
        parameters.set("TRANSPORT", to: "udp")
        #expect(parameters[0] == SIPParameter(name: "Transport", value: "udp"), "set keeps the original spelling")
        parameters.remove("tag")
        #expect(parameters.count == 2)
        parameters.append(SIPParameter(name: "x", value: "\"a \\\"b\\\"\""))
        #expect(parameters.parameter(named: "x")?.unquotedValue == "a \"b\"")
        #expect(SIPParameter(name: "y", value: "plain").unquotedValue == "plain")
        #expect(SIPParameter(name: "y", value: "\"open").unquotedValue == "\"open")
        var buffer: [UInt8] = []
        parameters.write(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == ";Transport=udp;lr;x=\"a \\\"b\\\"\"")
    }
}

@Suite struct SIPGrammarErrorTests {
    @Test func describesWhatAndWhere() {
        #expect(SIPGrammarError(.unexpectedByte(UInt8(ascii: "<")), in: .host, at: 12).description
                == "host has unexpected character '<' at offset 12")
        #expect(SIPGrammarError(.unexpectedByte(0x0D), in: .quotedString, at: 3).description
                == "quotedString has unexpected byte 0xD at offset 3")
        #expect(SIPGrammarError(.limitExceeded(32), in: .uriParameter, at: 0).description
                == "uriParameter exceeds the limit of 32 at offset 0")
        #expect(SIPGrammarError(.unexpectedEnd, in: .via, at: 40).description == "via ends unexpectedly at offset 40")
    }
}
