import Foundation
import Testing
@testable import SIPCore

/// RFC 3261 §19.1.4 comparison, driven by Fixtures/uri-equivalence.txt.
@Suite struct SIPURIEquivalenceTests {
    struct Pair: Sendable, CustomTestStringConvertible {
        var equal: Bool
        var first: String
        var second: String
        var why: String
        var testDescription: String { "\(equal ? "equal" : "different"): \(first) vs \(second) (\(why))" }
    }

    static func loadPairs() throws -> [Pair] {
        let url = try #require(Bundle.module.url(forResource: "uri-equivalence", withExtension: "txt", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> Pair? in
            guard !line.hasPrefix("#"), !line.isEmpty else { return nil }
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count == 4 else { return nil }
            return Pair(equal: fields[0] == "equal", first: fields[1], second: fields[2], why: fields[3])
        }
    }

    @Test func fixtureHasEveryRFCExample() throws {
        let pairs = try Self.loadPairs()
        #expect(pairs.count >= 40)
        #expect(pairs.filter { $0.why.hasPrefix("RFC 3261 example") }.count == 6)
    }

    @Test func pairsCompareAsTheFixtureSays() throws {
        for pair in try Self.loadPairs() {
            let first = try SIPURI(parsing: pair.first)
            let second = try SIPURI(parsing: pair.second)
            #expect(first.isEquivalent(to: second) == pair.equal, "\(pair.testDescription)")
            #expect(second.isEquivalent(to: first) == pair.equal, "symmetric: \(pair.testDescription)")
            #expect(first.isEquivalent(to: first), "reflexive: \(pair.first)")
        }
    }

    @Test func uriEnumComparesAcrossSchemes() throws {
        let sip = try URI(parsing: "sip:+12015550123@example.com;user=phone")
        let tel = try URI(parsing: "tel:+1-201-555-0123")
        #expect(!sip.isEquivalent(to: tel))
        #expect(tel.isEquivalent(to: try URI(parsing: "tel:+1.201.555.0123")))
        #expect(try URI(parsing: "isbn:2983792873").isEquivalent(to: try URI(parsing: "ISBN:2983792873")))
        #expect(!(try URI(parsing: "isbn:2983792873")).isEquivalent(to: try URI(parsing: "isbn:2983792874")))
    }
}
