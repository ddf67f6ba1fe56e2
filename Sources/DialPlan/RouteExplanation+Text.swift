import Foundation
import OperatorInput

extension RouteExplanation {
    /// The human trace, one fact per line, each rule with its plan line.
    public var text: String {
        let d = decision
        var lines: [String] = []
        let callerClass = d.callerClass.map { " (\($0))" } ?? ""
        lines.append("call      \(d.caller)\(callerClass) dials \(d.calledNumber) at \(time)")
        lines.append("plan      \(d.file)")
        if let leg = d.callerLeg { lines.append("caller    \(leg.media.summary)") }
        lines.append("rules")
        for step in d.trace { lines.append("  \(Self.at(step.line))\(step.text)") }
        if !d.policyChecks.isEmpty {
            lines.append("policy")
            for check in d.policyChecks { lines.append("  \(check.passed ? "pass" : "FAIL")  \(Self.at(check.line))\(check.check)") }
        }
        if !d.attempts.isEmpty { lines.append("attempts") }
        for (index, attempt) in d.attempts.enumerated() {
            let what = attempt.legs.first?.kind == .trunk
                ? "trunk \(attempt.legs.map(\.target).joined(separator: ", ")) number \(attempt.legs.first?.number ?? "")"
                : "ring \(attempt.legs.map(\.target).joined(separator: ", "))\(attempt.legs.count > 1 ? " (\(attempt.strategy.rawValue))" : "")"
            let nextOn = attempt.nextOn.map(\.description).joined(separator: ", ")
            lines.append("  \(index + 1). \(Self.at(attempt.line))\(what), timeout \(formatDuration(attempt.timeout)), next on \(nextOn)")
            if let rewriting = attempt.rewriting { lines.append("       rewrite   \(rewriting)") }
            if let identity = attempt.identity {
                var parts = ["From \(identity.from ?? "-")", "PAI \(identity.assertedIdentity ?? "-")"]
                if identity.privacy != .none { parts.append("Privacy \(identity.privacy.rawValue)") }
                if let diversion = identity.diversion { parts.append("Diversion \(diversion)") }
                lines.append("       identity  \(parts.joined(separator: ", "))")
            }
            for leg in attempt.legs { lines.append("       leg \(leg.target): \(leg.media.summary)") }
            if let step = steps.first(where: { $0.attempt == index + 1 }) {
                let origin = step.source == "default" ? "nothing simulated" : "simulated"
                let effect = step.outcome == .answered ? "" : step.movedOn ? ": moves on" : ": stops here"
                lines.append("       → \(step.outcome)\(step.answeredBy.map { " by \($0)" } ?? "") (\(origin))\(effect)")
            } else {
                lines.append("       → not reached")
            }
        }
        let final = d.final
        if final.kind == .reject || d.attempts.isEmpty {
            lines.append("otherwise \(Self.at(final.line))reject \(final.status) \(final.reason)")
        } else {
            lines.append("otherwise pass on the last attempt's failure")
        }
        if !d.doorActions.isEmpty {
            lines.append("door actions")
            for action in d.doorActions {
                lines.append("  \(Self.at(action.line))\"\(action.digits)\" from the callee → \(action.effect.rawValue): " +
                             "\(action.digits) sent to \(action.door) as \(action.dtmf.summary)")
            }
        }
        lines.append("result    \(result)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func at(_ line: Int?) -> String {
        guard let line else { return "" }
        // Padded so rules line up whether the plan line has two digits or four.
        return "line \(line)".padding(toLength: 10, withPad: " ", startingAt: 0)
    }

    /// The explanation as JSON for tools (sorted keys, stable for golden tests).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text + "\n"
    }
}
