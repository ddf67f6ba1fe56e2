/// Where a node sits in an operator's file, 1-based, for error messages and decision traces.
public struct SourcePosition: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A position for values that come from defaults rather than the file.
    public static let unknown = SourcePosition(file: "<default>", line: 0, column: 0)

    /// `file:line`, as traces print it.
    public var description: String { "\(file):\(line)" }
}
