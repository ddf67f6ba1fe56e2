import Yams

/// Reads a composed YAML tree, collecting every error with its position instead of stopping at
/// the first one. Each accessor returns `nil` after recording an error, so a decoder can go on
/// and report the next problem in the same pass.
public struct NodeReader {
    public let file: String
    public private(set) var errors: [InputError] = []

    public init(file: String) { self.file = file }

    /// Composes `text` into a node tree. A YAML syntax error is recorded and `nil` returned;
    /// so is an empty document, with `emptyFix` as the advice.
    public mutating func compose(_ text: String, emptyFix: String) -> Node? {
        do {
            if let node = try Yams.compose(yaml: text) { return node }
            errors.append(InputError(file: file, line: 1, column: 1, message: "the file is empty", fix: emptyFix))
        } catch let error as YamlError {
            errors.append(syntaxError(error))
        } catch {
            errors.append(InputError(file: file, line: 1, column: 1, message: "YAML: \(error)", fix: "correct the YAML syntax"))
        }
        return nil
    }

    /// The position of `node`, 1-based.
    public func position(of node: Node) -> SourcePosition {
        SourcePosition(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// Records an error at `node`.
    public mutating func error(at node: Node, _ message: String, fix: String) {
        record(at: position(of: node), message, fix: fix, severity: .error)
    }

    /// Records a warning at `node`: reported, but the file is still used.
    public mutating func warning(at node: Node, _ message: String, fix: String) {
        record(at: position(of: node), message, fix: fix, severity: .warning)
    }

    /// Records a problem at an explicit position (for checks made after decoding).
    public mutating func record(at position: SourcePosition, _ message: String, fix: String,
                                severity: InputError.Severity = .error) {
        errors.append(InputError(file: position.file, line: position.line, column: position.column,
                                 message: message, fix: fix, severity: severity))
    }

    /// Turns a Yams error into a positioned error with a fix.
    public func syntaxError(_ error: YamlError) -> InputError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return InputError(file: file, line: mark.line, column: mark.column,
                              message: "YAML syntax: \(text)", fix: "correct the YAML syntax at this position")
        case let .duplicatedKeysInMapping(duplicates, context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return InputError(file: file, line: context.mark.line, column: context.mark.column,
                              message: "duplicate key \(names) in one mapping",
                              fix: "give each entry a unique name, or merge the two entries")
        default:
            return InputError(file: file, line: 1, column: 1, message: "YAML: \(error)",
                              fix: "correct the YAML syntax")
        }
    }

    /// The mapping in `node`, or nil after recording that `what` must be one.
    public mutating func mapping(_ node: Node, what: String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        error(at: node, "\(what) must be a mapping of keys to values", fix: "write it as `key: value` lines")
        return nil
    }

    /// The list in `node`, or nil after recording that `what` must be one.
    public mutating func sequence(_ node: Node, what: String) -> Node.Sequence? {
        if let sequence = node.sequence { return sequence }
        error(at: node, "\(what) must be a list", fix: "write it as `- item` lines or `[a, b]`")
        return nil
    }

    /// A single scalar or a list of scalars, as `[node]` either way (`ring: alice` or `ring: [alice, bob]`).
    public mutating func scalarList(_ node: Node, key: String) -> [Node] {
        if node.scalar != nil { return [node] }
        guard let items = node.sequence else {
            error(at: node, "'\(key)' must be a value or a list of values", fix: "write `\(key): x` or `\(key): [x, y]`")
            return []
        }
        return items.filter { item in
            if item.scalar != nil { return true }
            error(at: item, "each entry of '\(key)' must be a single value", fix: "write plain names or numbers in the list")
            return false
        }
    }

    /// Records every key of `mapping` not in `known`, with a "did you mean" when one is close.
    public mutating func rejectUnknownKeys(_ mapping: Node.Mapping, known: [String]) {
        for key in mapping.keys {
            guard let name = key.string, !known.contains(name) else { continue }
            error(at: key, "unknown key '\(name)'", fix: Self.suggestion(for: name, among: known, what: "known keys here"))
        }
    }

    /// "did you mean 'x'?" when a candidate is close, otherwise the full list.
    public static func suggestion(for name: String, among candidates: [String], what: String) -> String {
        let closest = candidates.min { editDistance(name, $0) < editDistance(name, $1) }
        if let closest, editDistance(name, closest) <= max(2, name.count / 3) { return "did you mean '\(closest)'?" }
        let list = candidates.count > 12 ? candidates.prefix(12).joined(separator: ", ") + ", …" : candidates.joined(separator: ", ")
        return candidates.isEmpty ? "define it first" : "use one of \(what): \(list)"
    }

    /// The scalar text of `node`; nil when absent, or after an error when it is not a single value.
    public mutating func string(_ node: Node?, in mapping: Node.Mapping? = nil, key: String) -> String? {
        guard let node else { return nil }
        if let scalar = node.scalar { return scalar.string }
        error(at: node, "'\(key)' must be a single value", fix: "write `\(key): value`")
        return nil
    }

    /// A whole number in `range`; nil when absent or after an error.
    public mutating func integer(_ node: Node?, in mapping: Node.Mapping? = nil, key: String, range: ClosedRange<Int>) -> Int? {
        guard let node, let text = string(node, key: key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            error(at: node, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                  fix: "write a number in that range")
            return nil
        }
        return value
    }

    /// `true`/`false` (also yes/no, on/off); nil when absent or after an error.
    public mutating func bool(_ node: Node?, key: String) -> Bool? {
        guard let node, let text = string(node, key: key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(at: node, "'\(key)' must be true or false, not '\(text)'", fix: "write `\(key): true` or `\(key): false`")
            return nil
        }
    }

    /// One of an enumeration's raw values, case-insensitive; nil when absent or after an error.
    public mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ node: Node?, in mapping: Node.Mapping? = nil, key: String, _: E.Type
    ) -> E? where E.RawValue == String {
        guard let node, let text = string(node, key: key) else { return nil }
        if let value = E(rawValue: text.lowercased()) { return value }
        error(at: node, "'\(key)' cannot be '\(text)'",
              fix: "use one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// A duration with a unit: `250ms`, `20s`, `2m`, `1h`.
    public mutating func duration(_ node: Node?, key: String, range: ClosedRange<Duration>? = nil) -> Duration? {
        guard let node, let text = string(node, key: key) else { return nil }
        guard let value = parseDuration(text) else {
            error(at: node, "'\(key)' must be a duration with a unit, not '\(text)'",
                  fix: "write it like 250ms, 20s, 2m or 1h")
            return nil
        }
        if let range, !range.contains(value) {
            error(at: node, "'\(key)' must be from \(formatDuration(range.lowerBound)) to \(formatDuration(range.upperBound)), not \(text)",
                  fix: "write a duration in that range")
            return nil
        }
        return value
    }
}
