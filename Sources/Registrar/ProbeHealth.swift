/// OPTIONS probe health of a trunk or a registered contact (INTEROP.md "Carrier trunks"): down
/// after `missesToDown` consecutive misses or at once on 503/408, up after `successesToUp`
/// consecutive answers. Any other final response counts as an answer: the peer is alive.
public struct ProbeHealth: Hashable, Sendable {
    /// The outcome of one probe.
    public enum Result: Hashable, Sendable {
        /// A final response with this status.
        case answered(status: Int)
        /// No response before the transaction timed out, or the transport failed.
        case timeout
    }

    /// Whether the peer is usable.
    public private(set) var isUp: Bool
    /// Consecutive misses while up.
    public private(set) var misses = 0
    /// Consecutive answers while down.
    public private(set) var successes = 0
    /// Misses that take an up peer down.
    public let missesToDown: Int
    /// Answers that bring a down peer up.
    public let successesToUp: Int

    /// Creates a health record, up until probes say otherwise.
    public init(isUp: Bool = true, missesToDown: Int = 3, successesToUp: Int = 2) {
        self.isUp = isUp
        self.missesToDown = missesToDown
        self.successesToUp = successesToUp
    }

    /// Records a probe; returns true when ``isUp`` changed.
    @discardableResult
    public mutating func record(_ result: Result) -> Bool {
        let wasUp = isUp
        switch result {
        case .answered(let status) where status == 503 || status == 408:
            isUp = false
            misses = 0
            successes = 0
        case .timeout:
            successes = 0
            if isUp {
                misses += 1
                if misses >= missesToDown { isUp = false; misses = 0 }
            }
        case .answered:
            misses = 0
            if !isUp {
                successes += 1
                if successes >= successesToUp { isUp = true; successes = 0 }
            }
        }
        return wasUp != isUp
    }
}
