import Foundation
import Testing
@testable import SIPCore

/// Every input `scripts/fuzz` found breaking a promise, kept in `Fixtures/fuzz-crashes/` as
/// `<target>-<libFuzzer name>` and replayed through the same checks as the fuzz harness
/// (Sources/SIPCoreFuzz/FuzzHarness.swift): no trap, and round trips that hold.
@Suite("fuzz crash replay")
struct FuzzCrashReplayTests {
    /// A crash input and the gap it shows, when SIPCore has not closed it yet.
    struct Crash: Sendable, CustomTestStringConvertible {
        let file: String
        var testDescription: String { file }
        var target: Substring { file.prefix { $0 != "-" } }
    }

    /// Inputs whose promise SIPCore still breaks, with why.
    static let knownIssues: [String: String] = [:]

    static let crashes: [Crash] = {
        guard let directory = Bundle.module.url(forResource: "Fixtures/fuzz-crashes", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return files.filter { !$0.hasPrefix(".") }.sorted().map(Crash.init)
    }()

    @Test("every crash input is named after its fuzz target")
    func namedAfterTarget() {
        #expect(!Self.crashes.isEmpty)
        for crash in Self.crashes {
            #expect(["message", "stream", "uri"].contains(String(crash.target)), "\(crash.file)")
        }
    }

    @Test("the promise the input broke holds", arguments: crashes)
    func replay(_ crash: Crash) throws {
        let input = try rawFixture("fuzz-crashes/\(crash.file)")
        let run = {
            switch crash.target {
            case "message": Self.message(input)
            case "stream": Self.stream(input)
            default: Self.values(ArraySlice(input))
            }
        }
        if let issue = Self.knownIssues[crash.file] {
            withKnownIssue(Comment(rawValue: issue)) { run() }
        } else {
            run()
        }
    }

    static func message(_ input: [UInt8]) {
        guard let message = try? SIPParser().parse(input) else { return }
        for field in TypedField.allCases { _ = try? field.read(message) }
        let wire = message.serialized()
        #expect((try? SIPParser().parse(wire))?.serialized() == wire)
    }

    static func stream(_ input: [UInt8]) {
        let whole = TortureStreamTests.events(input, chunk: max(1, input.count))
        #expect(TortureStreamTests.events(input, chunk: 1) == whole)
        #expect(TortureStreamTests.events(input, chunk: 7) == whole)
    }

    static func values(_ input: ArraySlice<UInt8>) {
        roundTrip(URI.self, input)
        roundTrip(SIPURI.self, input)
        roundTrip(TelURI.self, input)
        roundTrip(NameAddress.self, input)
        roundTrip(ContactValue.self, input)
        roundTrip(Via.self, input)
        roundTrip(CSeq.self, input)
        roundTrip(MediaType.self, input)
        roundTrip(DigestChallenge.self, input)
        roundTrip(DigestCredentials.self, input)
        roundTrip(Reason.self, input)
        roundTrip(SessionExpires.self, input)
        roundTrip(RAck.self, input)
        roundTrip(OptionTags.self, input)
    }

    /// When `input` parses as `T`, its canonical form parses to the same canonical form.
    static func roundTrip<T: SIPGrammarValue>(_ type: T.Type, _ input: ArraySlice<UInt8>) {
        guard let value = try? T(parsing: input) else { return }
        var wire: [UInt8] = []
        value.write(into: &wire)
        do {
            var again: [UInt8] = []
            try T(parsing: ArraySlice(wire)).write(into: &again)
            #expect(again == wire, "\(T.self) canonical form is not stable")
        } catch {
            Issue.record("\(T.self) canonical form \(String(decoding: wire, as: UTF8.self)) does not parse: \(error)")
        }
    }
}
