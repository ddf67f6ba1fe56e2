/// Identifies one outbound (UAC) leg of a call; the inbound leg is the caller.
public struct CallLegID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A number unique within one call, in creation order.
    public var rawValue: Int

    /// Creates an identifier.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Creation order.
    public static func < (a: CallLegID, b: CallLegID) -> Bool { a.rawValue < b.rawValue }

    /// `leg1`, `leg2` …
    public var description: String { "leg\(rawValue)" }
}
