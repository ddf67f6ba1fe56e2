import Foundation
import Testing
@testable import SIPSecurity

struct SourceAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1", 4),
        ("[2001:db8::1]", "2001:db8::1", 16),
        ("fe80::1%eth0", "fe80::1", 16),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1", 16),
    ])
    func parsesAndPrints(text: String, printed: String, count: Int) throws {
        let parsed = try #require(SourceAddress(text))
        #expect(parsed.bytes.count == count)
        #expect(parsed.description == printed)
    }

    @Test(arguments: ["", "192.0.2", "192.0.2.256", "example.com", "1::2::3", "192.0.2.1/24", String(repeating: "1", count: 100)])
    func rejectsMalformed(text: String) {
        #expect(SourceAddress(text) == nil)
    }

    @Test(arguments: [
        ("192.0.2.0/24", "192.0.2.200", true),
        ("192.0.2.0/24", "192.0.3.1", false),
        ("10.0.0.0/8", "10.255.1.1", true),
        ("192.0.2.128/25", "192.0.2.127", false),
        ("192.0.2.7", "192.0.2.7", true),
        ("192.0.2.7", "192.0.2.8", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("0.0.0.0/0", "2001:db8::1", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true),
        ("2001:db8::/32", "2001:db9::1", false),
        ("2001:db8::/33", "2001:db8:8000::1", false),
    ])
    func prefixContains(prefix: String, candidate: String, expected: Bool) throws {
        let block = try #require(AddressPrefix(prefix))
        #expect(block.contains(address(candidate)) == expected)
    }

    @Test(arguments: ["192.0.2.0/33", "2001:db8::/129", "192.0.2.0/-1", "192.0.2.0/x", "nope/8"])
    func rejectsMalformedPrefix(text: String) {
        #expect(AddressPrefix(text) == nil)
    }

    @Test func codableAsText() throws {
        let data = try JSONEncoder().encode([address("192.0.2.1")])
        #expect(String(decoding: data, as: UTF8.self) == "[\"192.0.2.1\"]")
        #expect(try JSONDecoder().decode([SourceAddress].self, from: data) == [address("192.0.2.1")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SourceAddress].self, from: Data("[\"x\"]".utf8)) }
    }
}
