import Yams

/// Reads a composed YAML tree, collecting every error with its position instead of stopping at
/// the first one.
struct NodeReader {
    let file: String
    private(set) var errors: [ConfigurationError] = []

    init(file: String) { self.file = file }

    mutating func error(at node: Node, _ message: String, fix: String) {
        let mark = node.mark
        errors.append(ConfigurationError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                                         message: message, fix: fix))
    }

    func syntaxError(_ error: YamlError) -> ConfigurationError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return ConfigurationError(file: file, line: mark.line, column: mark.column,
                                      message: "YAML syntax: \(text)", fix: "correct the YAML syntax at this position")
        default:
            return ConfigurationError(file: file, line: 1, column: 1, message: "YAML: \(error)",
                                      fix: "correct the YAML syntax")
        }
    }

    mutating func mapping(_ node: Node, what: String) -> Node.Mapping? {
        if let mapping = node.mapping { return mapping }
        error(at: node, "\(what) must be a mapping of keys to values", fix: "write it as `key: value` lines")
        return nil
    }

    mutating func sequence(_ node: Node, what: String) -> Node.Sequence? {
        if let sequence = node.sequence { return sequence }
        error(at: node, "\(what) must be a list", fix: "write it as `- item` lines or `[a, b]`")
        return nil
    }

    mutating func rejectUnknownKeys(_ mapping: Node.Mapping, known: [String]) {
        for key in mapping.keys {
            guard let name = key.string, !known.contains(name) else { continue }
            let suggestion = known.min { editDistance(name, $0) < editDistance(name, $1) }
            var fix = "remove it; known keys here: \(known.joined(separator: ", "))"
            if let suggestion, editDistance(name, suggestion) <= 2 { fix = "did you mean '\(suggestion)'?" }
            error(at: key, "unknown key '\(name)'", fix: fix)
        }
    }

    mutating func string(_ node: Node?, in mapping: Node.Mapping, key: String) -> String? {
        guard let node else { return nil }
        if let scalar = node.scalar { return scalar.string }
        error(at: node, "'\(key)' must be a single value", fix: "write `\(key): value`")
        return nil
    }

    mutating func integer(_ node: Node?, in mapping: Node.Mapping, key: String, range: ClosedRange<Int>) -> Int? {
        guard let node, let text = string(node, in: mapping, key: key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            error(at: node, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'",
                  fix: "write a number in that range")
            return nil
        }
        return value
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ node: Node?, in mapping: Node.Mapping, key: String, _: E.Type
    ) -> E? where E.RawValue == String {
        guard let node, let text = string(node, in: mapping, key: key) else { return nil }
        if let value = E(rawValue: text.lowercased()) { return value }
        error(at: node, "'\(key)' cannot be '\(text)'",
              fix: "use one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// `20000-20999`: an even first port and a range of at least two ports.
    mutating func portRange(_ node: Node) -> ClosedRange<Int>? {
        let text = node.scalar?.string ?? ""
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]),
           1024...65535 ~= low, 1024...65535 ~= high, low < high, low % 2 == 0 {
            return low...high
        }
        error(at: node, "media ports must be a range like 20000-20999 (even first port, 1024-65535), not '\(text)'",
              fix: "write `ports: 20000-20999`")
        return nil
    }
}

/// Levenshtein distance, for "did you mean" suggestions on short keys.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
