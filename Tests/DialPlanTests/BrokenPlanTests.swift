import Foundation
import Testing
@testable import DialPlan

/// Golden error messages: each `Fixtures/broken/NAME.yaml` with the exact diagnostics in `NAME.expected`.
@Suite struct BrokenPlanTests {
    static let cases = Fixtures.files(in: "broken", extension: "yaml").map { $0.deletingPathExtension().lastPathComponent }

    @Test func everyBrokenFixtureHasAnExpectation() {
        #expect(Self.cases.count >= 7)
        for name in Self.cases {
            let expected = Fixtures.directory.appendingPathComponent("broken/\(name).expected")
            #expect(FileManager.default.fileExists(atPath: expected.path), "missing \(name).expected")
        }
    }

    @Test(arguments: cases)
    func diagnosticsMatchTheGoldenText(name: String) {
        let folder = Fixtures.directory.appendingPathComponent("broken")
        let text = Fixtures.text(folder.appendingPathComponent("\(name).yaml"))
        let result = DialPlan.load(text: text, file: "\(name).yaml")
        let actual = result.diagnostics.map(\.description).joined(separator: "\n") + "\n"
        let expected = Fixtures.text(folder.appendingPathComponent("\(name).expected"))
        #expect(actual == expected)
        #expect(result.plan == nil, "a plan with errors must not be usable")
    }

    @Test func allErrorsAreReportedInOnePass() {
        let text = Fixtures.text(Fixtures.directory.appendingPathComponent("broken/keys-and-types.yaml"))
        let result = DialPlan.load(text: text, file: "k.yaml")
        #expect(result.errors.count > 15)
        #expect(Set(result.errors.map(\.line)).count > 15, "errors on many different lines, not just the first")
    }

    @Test func warningsDoNotStopAPlan() throws {
        let plan = try Fixtures.plan("""
            endpoints:
              phone: { class: phone, auth: { user: phone, password_env: P } }
            trunks:
              ip: { server: 198.51.100.7, allow: [198.51.100.0/28] }
            routes:
              - { name: out, from: phone, to: { prefix: "0" }, try: [{ trunk: ip }] }
            """)
        #expect(plan.warnings.map(\.message) == ["IP-authenticated trunk 'ip' lists no DIDs, so any number is accepted from it"])
    }
}
