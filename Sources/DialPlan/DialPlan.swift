import Foundation
import OperatorInput

/// A decoded and validated dial plan: endpoints, trunks, groups, routes and policy.
///
/// Values of this type are immutable snapshots; a call keeps the one it started with while
/// `DialPlanStore` swaps in newer versions.
public struct DialPlan: Sendable {
    /// The file the plan came from, as error messages and traces name it.
    public var file: String
    /// Time windows are read in this zone.
    public var timeZone: TimeZone
    public var endpoints: [String: Endpoint]
    public var trunks: [String: Trunk]
    public var groups: [String: RingGroup]
    /// In file order: the first route that matches decides.
    public internal(set) var routes: [Route] {
        didSet { routeIndex = RouteIndex(routes) }
    }
    /// Routes by dialled number, kept in step with `routes`.
    public internal(set) var routeIndex = RouteIndex([])
    public var policy: Policy
    /// Canonical text of every named part (`route:NAME`, `endpoint:NAME` …), for change summaries.
    public var fingerprints: [String: String]
    /// Names declared in the file (`endpoint:alice`, `class:door` …), including entries with errors.
    public var declared: Set<String>
    /// Warnings found while loading; the plan is usable.
    public var warnings: [InputError]

    /// Devices authenticated by address: single addresses by address, networks most specific first.
    public internal(set) var sources = SourceIndex()
}

/// The result of loading a plan: the plan when there is no error, and every diagnostic.
public struct DialPlanLoadResult: Sendable {
    public var plan: DialPlan?
    /// Errors and warnings, sorted by position.
    public var diagnostics: [InputError]

    /// The errors only.
    public var errors: [InputError] { diagnostics.filter { $0.severity == .error } }
    /// The warnings only.
    public var warnings: [InputError] { diagnostics.filter { $0.severity == .warning } }
}

extension DialPlan {
    /// Decodes and validates `text`, reporting every problem in one pass.
    public static func load(text: String, file: String) -> DialPlanLoadResult {
        var decoder = DialPlanDecoder(file: file)
        let decoded = decoder.decode(text)
        var diagnostics = decoder.reader.errors
        if let decoded {
            var validator = DialPlanValidator(plan: decoded)
            diagnostics += validator.validate()
        }
        diagnostics = diagnostics.enumerated().sorted { left, right in
            let (a, b) = (left.element, right.element)
            return (a.line, a.column, left.offset) < (b.line, b.column, right.offset)
        }.map(\.element)
        let hasErrors = diagnostics.contains { $0.severity == .error }
        var plan = hasErrors ? nil : decoded
        plan?.warnings = diagnostics.filter { $0.severity == .warning }
        return DialPlanLoadResult(plan: plan, diagnostics: diagnostics)
    }

    /// Reads and loads the file at `path`; an unreadable file is one error.
    public static func load(contentsOf path: String) -> DialPlanLoadResult {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return load(text: text, file: path)
        } catch {
            return DialPlanLoadResult(plan: nil, diagnostics: [InputError(
                file: path, line: 1, column: 1, message: "cannot read the dial plan: \(error.localizedDescription)",
                fix: "check the path and the file's permissions")])
        }
    }

    /// `12 endpoints, 2 trunks, 1 group, 8 routes`: what `check` prints for a valid plan.
    public var summary: String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        return [count(endpoints.count, "endpoint"), count(trunks.count, "trunk"), count(groups.count, "group"),
                count(routes.count, "route")].joined(separator: ", ")
    }
}
