import OperatorInput

/// Several endpoints rung together or one after another.
public struct RingGroup: Sendable, Equatable {
    public var name: String
    /// Endpoints or other groups.
    public var members: [Reference]
    public var strategy: RingStrategy
    /// Ring time per member in a sequential group.
    public var memberTimeout: Duration?
    public var position: SourcePosition
}

/// Parallel forking or one member after another.
public enum RingStrategy: String, Sendable, Codable, CaseIterable { case parallel, sequential }

/// A name that refers to an endpoint, trunk, group or route, with where the operator wrote it.
public struct Reference: Sendable, Equatable, Hashable {
    public var name: String
    public var position: SourcePosition

    public init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }
}
