import Foundation
import Testing
@testable import Gateway

/// `gatehouse check` and `gatehouse route explain` as the CLI runs them (it only prints these).
@Suite struct DialPlanToolsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func checkPrintsASummaryAndExitsZeroForAValidPlan() {
        let path = Self.repository.appendingPathComponent("dialplans/example.yaml").path
        let output = DialPlanTools.check(path: path)
        #expect(output.exitCode == 0)
        #expect(output.standardOutput == "\(path): valid, 3 endpoints, 1 trunk, 1 group, 8 routes\n")
        #expect(output.standardError.isEmpty)
    }

    @Test func checkListsEveryErrorAndExitsNonZero() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yaml").path
        try "routes:\n  - name: x\n    try: [{ ring: nobody }]\n  - name: y\n    rejct: 404\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = DialPlanTools.check(path: path)
        #expect(output.exitCode == 1)
        #expect(output.standardOutput.isEmpty)
        #expect(output.standardError == """
            \(path):3:19: error: no endpoint or group is named 'nobody' (fix: define it first)
            \(path):4:5: error: route 'y' says neither what to try nor how to reject (fix: add `try:` with targets, or `reject: 403`)
            \(path):5:5: error: unknown key 'rejct' (fix: did you mean 'reject'?)
            \(path): invalid, 3 errors

            """)
    }

    @Test func checkReportsAMissingFile() {
        let output = DialPlanTools.check(path: "/nonexistent/plan.yaml")
        #expect(output.exitCode == 1)
        #expect(output.standardError.hasPrefix("/nonexistent/plan.yaml:1:1: error: cannot read the dial plan"))
    }

    @Test func explainAnswersInTextAndJSON() throws {
        let path = Self.repository.appendingPathComponent("dialplans/example.yaml").path
        let text = DialPlanTools.explain(path: path, from: "front-door", to: "101", offline: ["alice"], at: "2026-11-22T18:00", json: false)
        #expect(text.exitCode == 0)
        #expect(text.standardOutput.contains("result    answered by carrier (attempt 1)"))
        let json = DialPlanTools.explain(path: path, from: "front-door", to: "101", outcomes: ["carrier=503"], at: "2026-11-22T18:00", json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["final_status"] as? Int == 200, "alice answers first")
        let wrong = DialPlanTools.explain(path: path, from: "frontdoor", to: "101", json: false)
        #expect(wrong.exitCode == 2)
        #expect(wrong.standardError.contains("did you mean 'front-door'?"))
    }

    @Test func theSchemaIsOffered() {
        #expect(DialPlanTools.schema().contains("\"on_dtmf_from_callee\""))
    }
}
