import DialPlan

/// Dial-plan files (operator input, but read on every reload and by `gatehouse check`).
/// Promise checked: loading never traps; it gives a plan or positioned errors, and errors mean
/// no plan; every error names the file and a line and column inside the text.
enum DialPlanFuzzHarness {
    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let result = DialPlan.load(text: text, file: "fuzz.yaml")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        for diagnostic in result.diagnostics {
            guard diagnostic.file == "fuzz.yaml", diagnostic.line >= 1, diagnostic.line <= lines + 1, diagnostic.column >= 1 else {
                fatalError("diagnostic outside the text: \(diagnostic)")
            }
        }
        if result.plan != nil, result.diagnostics.contains(where: { $0.severity == .error }) {
            fatalError("a plan was returned with errors")
        }
        if result.plan == nil, !result.diagnostics.contains(where: { $0.severity == .error }) {
            fatalError("no plan and no error")
        }
    }
}
