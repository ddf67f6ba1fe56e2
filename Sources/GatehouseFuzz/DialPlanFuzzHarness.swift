import DialPlan

/// Dial-plan files (operator input, but read on every reload and by `gatehouse check`).
/// Promise checked: loading never traps; it gives a plan or positioned errors, and errors mean
/// no plan; every error names the file and a line and column inside the text (lines as YAML
/// counts them: CR LF, LF, a lone CR, NEL, LS and PS each end a line, YAML 1.1 §5.4).
enum DialPlanFuzzHarness {
    static func run(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let result = DialPlan.load(text: text, file: "fuzz.yaml")
        let lines = yamlLineCount(text)
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

    /// The lines of `text` as a YAML scanner counts them.
    static func yamlLineCount(_ text: String) -> Int {
        var lines = 1
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: if !previousWasCR { lines += 1 }
            case 0x0D, 0x85, 0x2028, 0x2029: lines += 1
            default: break
            }
            previousWasCR = scalar.value == 0x0D
        }
        return lines
    }
}
