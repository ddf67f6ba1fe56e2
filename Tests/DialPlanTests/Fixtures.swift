import Foundation
@testable import DialPlan

/// Paths to fixtures (copied into the test bundle) and to the repository's `dialplans/`.
enum Fixtures {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil) ?? URL(fileURLWithPath: "/nonexistent")
    }

    /// The repository root, found from this source file (examples live outside the test target).
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func files(in folder: String, extension suffix: String) -> [URL] {
        let url = directory.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix("." + suffix) }.sorted().map { url.appendingPathComponent($0) }
    }

    static func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Loads a plan from YAML text and fails loudly when it has errors.
    static func plan(_ yaml: String, file: String = "test.yaml") throws -> DialPlan {
        let result = DialPlan.load(text: yaml, file: file)
        guard let plan = result.plan else { throw PlanErrors(lines: result.diagnostics.map(\.description)) }
        return plan
    }

    /// A loaded example plan, labelled with its repository-relative path as `route explain` prints it.
    static func example(_ name: String) throws -> DialPlan {
        try plan(text(repository.appendingPathComponent("dialplans/\(name)")), file: "dialplans/\(name)")
    }

    struct PlanErrors: Error, CustomStringConvertible {
        var lines: [String]
        var description: String { lines.joined(separator: "\n") }
    }
}
