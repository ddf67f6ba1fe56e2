import Foundation
import OperatorInput
import Synchronization

/// Holds the running dial plan and swaps in a new version only when it loads without errors.
///
/// Each call takes `current` once when it starts and keeps that `Version` (an immutable value) to
/// its end, so a reload never changes the routing of a call in progress.
@available(macOS 15.0, *)
public final class DialPlanStore: Sendable {
    /// One applied plan.
    public struct Version: Sendable {
        /// 1 for the first plan, then counting up with every applied reload.
        public let number: Int
        public let plan: DialPlan
        public let loadedAt: Date
        /// What changed from the version before (everything is "added" in version 1).
        public let changes: DialPlanChanges
    }

    /// What a reload did.
    public enum ReloadOutcome: Sendable {
        case applied(Version)
        /// The file is byte-for-byte the running one.
        case unchanged(Version)
        /// The new text has errors: the running version stays. Every error is listed.
        case rejected([InputError], running: Version)
    }

    /// Named limit: how many versions `history` keeps.
    public static let historyLimit = 16

    public let path: String
    private struct State {
        var current: Version
        var text: String
        var history: [Version]
    }
    private let state: Mutex<State>

    /// Loads the first version; throws every error when the file is not valid.
    public init(path: String) throws(InputErrors) {
        self.path = path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let result = DialPlan.load(contentsOf: path)
        guard let plan = result.plan else { throw InputErrors(errors: result.errors) }
        let changes = DialPlanChanges(added: plan.fingerprints.keys.sorted())
        let first = Version(number: 1, plan: plan, loadedAt: Date(), changes: changes)
        state = Mutex(State(current: first, text: text, history: [first]))
    }

    /// The plan new calls use.
    public var current: Version { state.withLock { $0.current } }

    /// Applied versions, oldest first, at most `historyLimit`.
    public var history: [Version] { state.withLock { $0.history } }

    /// Reads the file again; parses and validates it outside the lock, then swaps atomically.
    public func reload() -> ReloadOutcome {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let problem = InputError(file: path, line: 1, column: 1, message: "cannot read the dial plan: \(error.localizedDescription)",
                                     fix: "check the path and the file's permissions; the running plan stays")
            return .rejected([problem], running: current)
        }
        let running = current
        let result = DialPlan.load(text: text, file: path)
        return state.withLock { state in
            if text == state.text { return .unchanged(state.current) }
            guard let plan = result.plan else { return .rejected(result.errors, running: state.current) }
            let version = Version(number: state.current.number + 1, plan: plan, loadedAt: Date(),
                                  changes: DialPlanChanges.between(running.plan, plan))
            state.current = version
            state.text = text
            state.history.append(version)
            if state.history.count > Self.historyLimit { state.history.removeFirst() }
            return .applied(version)
        }
    }
}

@available(macOS 15.0, *)
extension DialPlanStore.ReloadOutcome {
    /// The log lines for this outcome: what changed, or every error and that the old plan stays.
    public var logLines: [String] {
        switch self {
        case .applied(let version):
            return ["dial plan version \(version.number) applied: \(version.changes.summary)"]
        case .unchanged(let version):
            return ["dial plan unchanged (version \(version.number))"]
        case .rejected(let errors, let running):
            return errors.map(\.description) + ["dial plan not applied (\(errors.count) errors); version \(running.number) stays in use"]
        }
    }
}
