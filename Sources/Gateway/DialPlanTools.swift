import DialPlan
import Foundation

/// What the `check` and `route explain` commands print, and their exit status. The CLI only prints.
public struct ToolOutput: Sendable {
    public var standardOutput: String
    public var standardError: String
    public var exitCode: Int32
}

/// The dial-plan tools behind `gatehouse check` and `gatehouse route explain`.
public enum DialPlanTools {
    /// Loads and validates a plan: every diagnostic, then a one-line summary when it is valid.
    public static func check(path: String) -> ToolOutput {
        let result = DialPlan.load(contentsOf: path)
        let diagnostics = result.diagnostics.map { $0.description + "\n" }.joined()
        guard let plan = result.plan else {
            let counts = "\(result.errors.count) error\(result.errors.count == 1 ? "" : "s")"
            return ToolOutput(standardOutput: "", standardError: diagnostics + "\(path): invalid, \(counts)\n", exitCode: 1)
        }
        return ToolOutput(standardOutput: "\(path): valid, \(plan.summary)\n", standardError: diagnostics, exitCode: 0)
    }

    /// The JSON Schema of the dial-plan format (as in `dialplans/dialplan.schema.json`).
    public static func schema() -> String { DialPlanSchema.jsonSchema() }

    /// Explains how the plan at `path` routes a call from `from` to `to`, with simulated presence
    /// (`offline`) and outcomes (`alice=no_answer`), as text or JSON.
    public static func explain(path: String, from: String, to: String, callerNumber: String? = nil, offline: [String] = [],
                               outcomes: [String] = [], at: String? = nil, json: Bool, now: Date = Date()) -> ToolOutput {
        let query = ExplainQuery(from: from, to: to, callerNumber: callerNumber, offline: offline, outcomes: outcomes, at: at)
        let result = DialPlan.load(contentsOf: path)
        guard let plan = result.plan else {
            let diagnostics = result.diagnostics.map { $0.description + "\n" }.joined()
            return ToolOutput(standardOutput: "", standardError: diagnostics + "\(path): invalid, nothing to explain\n", exitCode: 1)
        }
        do {
            let explanation = try plan.explain(query, now: now)
            return ToolOutput(standardOutput: json ? explanation.json : explanation.text, standardError: "", exitCode: 0)
        } catch {
            return ToolOutput(standardOutput: "", standardError: "error: \(error.message)\n", exitCode: 2)
        }
    }
}
