/// Calls in setup per source address (issue 10, "Limits on everything a peer controls: … calls in
/// setup per source"): a call counts from its admission until it is answered or ends, so one
/// address cannot hold thousands of half-open calls (each with media ports and timers) however
/// slowly it answers challenges. Pure; the call layer reports both ends of a call's setup.
public struct SetupLimiter: Sendable {
    /// Calls in setup one source may have by default: far above a PBX's ringing calls.
    public static let defaultPerSource = 100

    /// Calls in setup one source may have.
    public let perSource: Int
    var sources: [String: Int] = [:]
    var calls: [String: String] = [:]

    /// A limiter allowing `perSource` calls in setup per source.
    public init(perSource: Int = SetupLimiter.defaultPerSource) {
        self.perSource = max(1, perSource)
    }

    /// Calls in setup from `source` now.
    public func inSetup(from source: String) -> Int { sources[source] ?? 0 }

    /// A new call `callID` from `source`: true when it may go on (it counts until
    /// ``finished(_:)``), false when the source already has `perSource` calls in setup. A call
    /// already counted is admitted again without counting twice.
    public mutating func begin(_ callID: String, from source: String) -> Bool {
        if calls[callID] != nil { return true }
        guard inSetup(from: source) < perSource else { return false }
        calls[callID] = source
        sources[source, default: 0] += 1
        return true
    }

    /// The call was answered or ended: it no longer counts (idempotent, unknown calls ignored).
    public mutating func finished(_ callID: String) {
        guard let source = calls.removeValue(forKey: callID) else { return }
        let left = (sources[source] ?? 1) - 1
        sources[source] = left > 0 ? left : nil
    }
}
