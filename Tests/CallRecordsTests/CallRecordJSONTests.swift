import Foundation
import Testing
@testable import CallRecords

/// The hand-written JSON of the `legs` and `dtmf` columns reads back (with `JSONDecoder`, as the
/// store reads it) to the values written, and matches what `JSONEncoder` wrote before.
@Suite struct CallRecordJSONTests {
    static let awkward = ["plain", "quote \" and backslash \\", "slash / here", "line\nbreak\rtab\t", "bell \u{07} nul \u{00} us \u{1F}",
                          "del \u{7F}", "é ü ß", "emoji 🚪📞", "", "\u{08}\u{0C}"]

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func decodeLegs(_ text: String) throws -> [StoredCallRecord.Leg] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode([StoredCallRecord.Leg].self, from: Data(text.utf8))
    }

    static let legs: [StoredCallRecord.Leg] = [
        .init(target: "alice", contact: "sip:alice@192.0.2.10:5062;transport=tcp", attempt: 0, outcome: "no_answer", status: 487,
              started: Date(timeIntervalSince1970: 1_900_000_000), ended: Date(timeIntervalSince1970: 1_900_000_020.5)),
        .init(target: "carrier", contact: nil, attempt: 1, outcome: "200", status: nil,
              started: Date(timeIntervalSince1970: 1_763_800_000.123456), ended: nil),
        .init(target: "weird \"name\"\n", contact: "sip:\\x@y", attempt: 2, outcome: "offline", status: 480,
              started: Date(timeIntervalSince1970: 0.0004), ended: Date(timeIntervalSince1970: -1.5)),
    ]

    @Test func legsReadBackEqualAndMatchJSONEncoder() throws {
        let text = CallRecordJSON.legs(Self.legs)
        #expect(try Self.decodeLegs(text) == Self.legs)
        #expect(text == String(decoding: try Self.encoder().encode(Self.legs), as: UTF8.self))
        #expect(CallRecordJSON.legs([]) == "[]")
    }

    @Test func stringsAreEscapedAsRFC8259Asks() throws {
        let text = CallRecordJSON.strings(Self.awkward)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == Self.awkward)
        #expect(text == String(decoding: try Self.encoder().encode(Self.awkward), as: UTF8.self))
        #expect(CallRecordJSON.strings(["a\u{01}"]) == #"["a\u0001"]"#)
        #expect(CallRecordJSON.strings([]) == "[]")
    }

    @Test func everyControlCharacterRoundTrips() throws {
        let controls = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }
        let text = CallRecordJSON.strings(controls)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == controls)
        #expect(!text.utf8.contains { $0 < 0x20 })
    }
}
