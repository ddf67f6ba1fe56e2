/// A problem in a file an operator edits (the service configuration, the dial plan): where it is,
/// what is wrong, and how to fix it.
public struct InputError: Error, Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// Errors stop a file from being used; warnings are printed and the file is still used.
    public enum Severity: String, Sendable, Codable { case error, warning }

    public var file: String
    /// 1-based line of the offending node.
    public var line: Int
    /// 1-based column of the offending node.
    public var column: Int
    public var message: String
    public var fix: String
    public var severity: Severity

    public init(file: String, line: Int, column: Int, message: String, fix: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
        self.severity = severity
    }

    /// `file:line:column: error: what (fix: how)`, the format compilers use so editors can jump to it.
    public var description: String {
        "\(file):\(line):\(column): \(severity.rawValue): \(message) (fix: \(fix))"
    }
}

/// Every problem found in one pass over a file.
public struct InputErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [InputError]

    public init(errors: [InputError]) { self.errors = errors }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
