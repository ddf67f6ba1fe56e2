import DTMF
import Foundation
import Testing

@Suite struct DTMFInfoBodyTests {
    /// Expected outcome for each fixture body.
    enum Outcome: Sendable, Equatable {
        case digit(String, Int)
        case noDigit
        case error(DTMFInfoBodyError, Int)
    }

    static let fixtures: [(String, Outcome)] = [
        ("cisco-crlf.relay", .digit("1", 250)),
        ("lf-only.relay", .digit("5", 160)),
        ("cr-only.relay", .digit("4", 300)),
        ("space-after-equals.relay", .digit("1", 100)),
        ("spaces-around-equals.relay", .digit("9", 120)),
        ("lower-case-keys.relay", .digit("#", 200)),
        ("upper-case-keys.relay", .digit("D", 400)),
        ("star-as-10.relay", .digit("*", 250)),
        ("pound-as-11.relay", .digit("#", 250)),
        ("missing-duration.relay", .digit("3", 100)),
        ("no-final-newline.relay", .digit("0", 80)),
        ("extra-key.relay", .digit("A", 250)),
        ("tab-and-blank-lines.relay", .digit("7", 90)),
        ("duration-garbage.relay", .digit("2", 100)),
        ("duration-zero.relay", .digit("6", 100)),
        ("duration-huge.relay", .digit("8", 10_000)),
        ("bare-digit.relay", .digit("1", 100)),
        ("digit.dtmf", .digit("1", 100)),
        ("digit-crlf.dtmf", .digit("#", 100)),
        ("code-11.dtmf", .digit("#", 100)),
        ("empty.relay", .noDigit),
        ("blank.relay", .noDigit),
        ("bad-signal.relay", .error(.invalidSignal("X"), 400)),
        ("signal-16.relay", .error(.invalidSignal("16"), 400)),
        ("no-signal.relay", .error(.missingSignal, 400)),
        ("empty-signal.relay", .error(.invalidSignal(""), 400)),
        ("bad.dtmf", .error(.invalidSignal("12a"), 400)),
    ]

    static func load(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/info/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    @Test(arguments: fixtures)
    func bodyFromTheWild(_ name: String, _ expected: Outcome) throws {
        let bytes = try Self.load(name)
        let type: DTMFInfoContentType = name.hasSuffix(".dtmf") ? .dtmf : .dtmfRelay
        let outcome: Outcome
        do {
            if let body = try DTMFInfoBody.parse(bytes, contentType: type) {
                outcome = .digit(body.digit.description, body.durationMilliseconds)
            } else {
                outcome = .noDigit
            }
        } catch {
            outcome = .error(error, error.statusCode)
            #expect(!error.reasonPhrase.isEmpty)
        }
        #expect(outcome == expected, "\(name)")
    }

    @Test func everyFixtureIsInTheTable() throws {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures/info", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasSuffix(".md") }
        #expect(Set(files) == Set(Self.fixtures.map(\.0)))
    }

    @Test func oversizedBodyIs413AndReasonIsPrintable() {
        let big = Array("Signal=1\r\n".utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 600)
        #expect(throws: DTMFInfoBodyError.bodyTooLarge(length: 610)) { try DTMFInfoBody.parse(big, contentType: .dtmfRelay) }
        #expect(DTMFInfoBodyError.bodyTooLarge(length: 610).statusCode == 413)
        let hostile = DTMFInfoBodyError.invalidSignal("\r\nVia: x\u{7}" + String(repeating: "z", count: 40))
        #expect(hostile.reasonPhrase == "Invalid DTMF Signal ??Via: x?zzzzzzz")
    }

    @Test func contentTypeHeaderIsRecognisedTolerantly() throws {
        #expect(DTMFInfoContentType(headerValue: "application/dtmf-relay") == .dtmfRelay)
        #expect(DTMFInfoContentType(headerValue: " Application/DTMF-Relay ; charset=utf-8") == .dtmfRelay)
        #expect(DTMFInfoContentType(headerValue: "application/dtmf") == .dtmf)
        #expect(DTMFInfoContentType(headerValue: "application/sdp") == nil)
        #expect(DTMFInfoBodyError.unsupportedContentType("application/sdp").statusCode == 415)
        #expect(try DTMFInfoBody.parse(Array("Signal=5".utf8), contentTypeHeader: "Application/DTMF-Relay")?.digit == .five)
        #expect(try DTMFInfoBody.parse([UInt8](), contentTypeHeader: nil) == nil, "empty INFO: 200, no digit")
        #expect(throws: DTMFInfoBodyError.unsupportedContentType("text/plain")) {
            try DTMFInfoBody.parse(Array("1".utf8), contentTypeHeader: "text/plain")
        }
        #expect(throws: DTMFInfoBodyError.unsupportedContentType("")) {
            try DTMFInfoBody.parse(Array("1".utf8), contentTypeHeader: nil)
        }
    }

    @Test func generatedBodiesClampDurationAndParseBack() throws {
        let short = DTMFInfoBody(digit: .star, durationMilliseconds: 90)
        #expect(short.serialized(as: .dtmfRelay) == Array("Signal=*\r\nDuration=250\r\n".utf8))
        #expect(short.serialized(as: .dtmfRelay, minimumDurationMilliseconds: 100) == Array("Signal=*\r\nDuration=100\r\n".utf8))
        #expect(DTMFInfoBody(digit: .one, durationMilliseconds: 400).serialized(as: .dtmfRelay) == Array("Signal=1\r\nDuration=400\r\n".utf8))
        #expect(short.serialized(as: .dtmf) == [UInt8(ascii: "*")])
        for digit in DTMFDigit.allCases {
            let body = DTMFInfoBody(digit: digit, durationMilliseconds: 300)
            #expect(try DTMFInfoBody.parse(body.serialized(as: .dtmfRelay), contentType: .dtmfRelay) == body)
            #expect(try DTMFInfoBody.parse(body.serialized(as: .dtmf), contentType: .dtmf)?.digit == digit)
        }
    }

    @Test func arbitraryBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("Signal=Duration0123456789*#\r\n \t=ABCDxyz".utf8) + [0, 0xFF, 0x80]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...60, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            for type in DTMFInfoContentType.allCases {
                do {
                    if let body = try DTMFInfoBody.parse(bytes, contentType: type) {
                        #expect((1...DTMFInfoBody.maximumDurationMilliseconds).contains(body.durationMilliseconds))
                    }
                } catch {
                    #expect([400, 413].contains(error.statusCode))
                }
            }
        }
    }
}
