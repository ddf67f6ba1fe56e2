import Foundation
import Testing
@testable import SIPCore
@testable import SIPCoreFuzz

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
            default: FuzzHarness.values(ArraySlice(input)) { Issue.record(Comment(rawValue: $0)) }
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
}
