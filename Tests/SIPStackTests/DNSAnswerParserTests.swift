import Testing
@testable import SIPStack

/// Canned DNS responses (RFC 1035 §4.1) built byte by byte, parsed through libresolv.
@Suite struct DNSAnswerParserTests {
    /// `name` as labels.
    static func name(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for label in text.split(separator: ".") {
            bytes.append(UInt8(label.utf8.count))
            bytes += Array(label.utf8)
        }
        return bytes + [0]
    }

    static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func u32(_ value: Int) -> [UInt8] { u16(value >> 16) + u16(value & 0xFFFF) }

    /// A response with one question (`qname`, `type`) and the given answers (rdata), each owned
    /// by a compression pointer to the question name (offset 12).
    static func response(qname: String, type: Int, answers: [(ttl: Int, rdata: [UInt8])]) -> [UInt8] {
        var message = u16(0x1234) + u16(0x8180) + u16(1) + u16(answers.count) + u16(0) + u16(0)
        message += name(qname) + u16(type) + u16(1)
        for answer in answers {
            message += [0xC0, 12] + u16(type) + u16(1) + u32(answer.ttl) + u16(answer.rdata.count) + answer.rdata
        }
        return message
    }

    @Test func srvRecordsWithCompressedTargets() throws {
        let qname = "_sip._udp.carrier.example"
        // The second target is "b" + a pointer to "carrier.example" inside the question (offset 12 +
        // the lengths of "_sip" and "_udp" labels: 12 + 5 + 5 = 22).
        let rdata1 = Self.u16(10) + Self.u16(60) + Self.u16(5060) + Self.name("a.carrier.example")
        let rdata2 = Self.u16(20) + Self.u16(0) + Self.u16(5062) + [1, UInt8(ascii: "b"), 0xC0, 22]
        let message = Self.response(qname: qname, type: 33, answers: [(300, rdata1), (120, rdata2)])
        let records = try DNSAnswerParser.srv(message, name: qname)
        #expect(records == [
            SRVRecord(priority: 10, weight: 60, port: 5060, target: "a.carrier.example", ttl: 300),
            SRVRecord(priority: 20, weight: 0, port: 5062, target: "b.carrier.example", ttl: 120),
        ])
    }

    @Test func naptrRecord() throws {
        let qname = "carrier.example"
        let rdata = Self.u16(10) + Self.u16(50) + [1, UInt8(ascii: "s")] + [7] + Array("SIP+D2T".utf8) + [0]
            + Self.name("_sip._tcp.carrier.example")
        let records = try DNSAnswerParser.naptr(Self.response(qname: qname, type: 35, answers: [(3600, rdata)]), name: qname)
        #expect(records == [
            NAPTRRecord(order: 10, preference: 50, flags: "s", service: "SIP+D2T", regexp: "", replacement: "_sip._tcp.carrier.example", ttl: 3600),
        ])
    }

    @Test func addressRecords() throws {
        let a = Self.response(qname: "h.example", type: 1, answers: [(30, [192, 0, 2, 7])])
        #expect(try DNSAnswerParser.addresses(a, name: "h.example", ipv6: false) == [AddressRecord(address: "192.0.2.7", ttl: 30)])
        let aaaa = Self.response(
            qname: "h.example", type: 28, answers: [(30, [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])])
        #expect(try DNSAnswerParser.addresses(aaaa, name: "h.example", ipv6: true) == [AddressRecord(address: "2001:db8::1", ttl: 30)])
    }

    @Test func truncatedAnswerIsATypedErrorNotATrap() {
        let message = Self.response(qname: "x.example", type: 33, answers: [(1, Self.u16(1) + Self.u16(1) + Self.u16(1) + Self.name("t.example"))])
        #expect(throws: DNSLookupError.malformedAnswer(name: "x.example")) {
            try DNSAnswerParser.srv(Array(message.dropLast(5)), name: "x.example")
        }
    }

    @Test func ipv6TextCompressesTheLongestZeroRun() {
        #expect(IPv6Text.compress(["2001", "db8", "0", "0", "1", "0", "0", "0"]) == "2001:db8:0:0:1::")
        #expect(IPv6Text.compress(["0", "0", "0", "0", "0", "0", "0", "1"]) == "::1")
        #expect(IPv6Text.compress(["2001", "db8", "0", "1", "1", "1", "1", "1"]) == "2001:db8:0:1:1:1:1:1")
    }
}
