import Foundation

/// Calls per minute per caller (issue 10: "per-endpoint and per-trunk … calls-per-minute
/// limits"): a hijacked softphone account or a compromised PBX is held to its owner's rate
/// however fast the attacker dials. A token bucket per caller holding one minute's calls,
/// refilled evenly (`limit / 60` per second): a quiet caller may place its whole minute at once,
/// a busy one keeps to `limit` a minute.
///
/// Pure: the call layer asks with the caller's name, its limit (from the dial plan, so a reload
/// applies to the next call) and the time. Memory is bounded by `maxCallers`: a caller whose
/// bucket is full again is forgotten first (it is the same as a new one), then the least
/// recently seen.
public struct CallRateLimiter: Sendable {
    /// Callers tracked at once by default.
    public static let defaultMaxCallers = 10_000

    struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    /// Callers tracked at once.
    public let maxCallers: Int
    var buckets: [String: Bucket] = [:]

    /// A limiter tracking at most `maxCallers` callers.
    public init(maxCallers: Int = CallRateLimiter.defaultMaxCallers) {
        self.maxCallers = max(1, maxCallers)
    }

    /// Callers tracked now.
    public var trackedCallers: Int { buckets.count }

    /// A new call from `caller`, whose limit is `perMinute` calls a minute, at `now`: true when it
    /// is within the limit (and counts), false when it is over (it does not count).
    public mutating func admit(caller: String, perMinute: Int, at now: Date) -> Bool {
        let capacity = Double(max(1, perMinute))
        var bucket = buckets[caller] ?? Bucket(tokens: capacity, updated: now)
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        bucket.tokens = min(capacity, bucket.tokens + elapsed * capacity / 60)
        bucket.updated = now
        // The tolerance absorbs Date's floating-point rounding.
        let admitted = bucket.tokens >= 1 - 1e-9
        if admitted { bucket.tokens = max(0, bucket.tokens - 1) }
        buckets[caller] = bucket
        if buckets.count > maxCallers { forget(now: now, perMinute: capacity) }
        return admitted
    }

    /// Seconds until `caller` may place its next call (0 when it may now).
    public func retryAfter(caller: String, perMinute: Int, at now: Date) -> Int {
        guard let bucket = buckets[caller] else { return 0 }
        let capacity = Double(max(1, perMinute))
        let tokens = min(capacity, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * capacity / 60)
        guard tokens < 1 else { return 0 }
        return max(1, Int(((1 - tokens) * 60 / capacity).rounded(.up)))
    }

    /// Drops callers whose bucket has refilled (assuming `perMinute`), else the least recently seen.
    mutating func forget(now: Date, perMinute: Double) {
        let refilled = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.updated) * perMinute / 60 >= perMinute }
        if !refilled.isEmpty {
            for key in refilled.keys { buckets.removeValue(forKey: key) }
        }
        while buckets.count > maxCallers, let oldest = buckets.min(by: { $0.value.updated < $1.value.updated }) {
            buckets.removeValue(forKey: oldest.key)
        }
    }
}
