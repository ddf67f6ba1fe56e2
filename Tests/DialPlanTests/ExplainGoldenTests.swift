import Foundation
import Testing
@testable import DialPlan

/// Golden traces: `Fixtures/explain/NAME.args` holds `route explain` arguments, `NAME.txt` (or
/// `NAME.json` with `--json`) the exact output.
@Suite struct ExplainGoldenTests {
    static let cases = Fixtures.files(in: "explain", extension: "args").map { $0.deletingPathExtension().lastPathComponent }

    @Test(arguments: cases)
    func explanationMatchesTheGoldenText(name: String) throws {
        let folder = Fixtures.directory.appendingPathComponent("explain")
        let words = Fixtures.text(folder.appendingPathComponent("\(name).args")).split(whereSeparator: \.isWhitespace).map(String.init)
        var options: [String: [String]] = [:]
        var json = false
        var index = 0
        while index < words.count {
            if words[index] == "--json" { json = true; index += 1; continue }
            try #require(index + 1 < words.count)
            options[words[index], default: []].append(words[index + 1])
            index += 2
        }
        let plan = try Fixtures.example(try #require(options["--plan"]?.first).replacingOccurrences(of: "dialplans/", with: ""))
        let query = ExplainQuery(from: try #require(options["--from"]?.first), to: try #require(options["--to"]?.first),
                                 callerNumber: options["--caller-number"]?.first, offline: options["--offline"] ?? [],
                                 outcomes: options["--outcome"] ?? [], at: options["--at"]?.first)
        let explanation = try plan.explain(query)
        let expected = Fixtures.text(folder.appendingPathComponent("\(name).\(json ? "json" : "txt")"))
        #expect((json ? explanation.json : explanation.text) == expected)
    }

    @Test func everyCaseHasAnExpectation() {
        #expect(Self.cases.count >= 10)
    }

    @Test func badQuestionsNameTheFix() throws {
        let plan = try Fixtures.example("example.yaml")
        #expect(throws: ExplainQueryError.self) { try plan.explain(ExplainQuery(from: "frontdoor", to: "101")) }
        do {
            _ = try plan.explain(ExplainQuery(from: "front-door", to: "101", outcomes: ["alice=maybe"]))
            Issue.record("an unknown outcome must be refused")
        } catch {
            #expect(error.message.contains("'maybe' is not an outcome"))
        }
        do {
            _ = try plan.explain(ExplainQuery(from: "frontdoor", to: "101"))
        } catch {
            #expect(error.message.contains("did you mean 'front-door'?"))
        }
    }
}
