import Foundation

/// A per-source token bucket (RFC 3261 leaves rate limits to the implementation; INTEROP.md asks
/// for defaults a busy PBX never hits). Each request takes a token; tokens refill at `rate` per
/// second up to `burst`. A source that keeps being refused — `banAfterRejections` refusals within
/// `rejectionWindow` — is told to be banned for `banDuration`.
///
/// Memory is bounded: at most `maxSources` sources are tracked; the least recently seen is
/// forgotten first (a forgotten source starts again with a full bucket). The clock is the caller's
/// `now`, so tests run on virtual time.
public struct SourceRateLimiter: Sendable {
    /// Limits and ban rule.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Tokens added per second.
        public var rate: Double
        /// Bucket size: the largest burst allowed after a quiet period.
        public var burst: Double
        /// Refusals within `rejectionWindow` that turn into a ban; 0 never bans.
        public var banAfterRejections: Int
        public var rejectionWindow: Duration
        public var banDuration: Duration
        /// Most sources tracked at once.
        public var maxSources: Int

        public init(
            rate: Double = 50, burst: Double = 200, banAfterRejections: Int = 500, rejectionWindow: Duration = .seconds(60),
            banDuration: Duration = .seconds(600), maxSources: Int = 65_536
        ) {
            self.rate = rate
            self.burst = burst
            self.banAfterRejections = banAfterRejections
            self.rejectionWindow = rejectionWindow
            self.banDuration = banDuration
            self.maxSources = max(1, maxSources)
        }
    }

    /// The decision for one request.
    public enum Decision: Sendable, Hashable {
        case allow
        /// Over the limit; `ban` is set once, when the source has been over it long enough.
        case reject(ban: Duration?)
    }

    struct Entry {
        var tokens: Double
        var updated: Date
        var rejections = 0
        var windowStart: Date
        var generation: UInt64
    }

    public let configuration: Configuration
    var entries: [SourceAddress: Entry] = [:]
    /// Sources in the order they were last touched, with the generation of that touch; stale
    /// pairs (an older generation than the entry's) are skipped and compacted away.
    var order: [(SourceAddress, UInt64)] = []
    var orderHead = 0
    var nextGeneration: UInt64 = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// How many sources are tracked now.
    public var trackedSources: Int { entries.count }

    /// Takes a token for `source` at `now`.
    public mutating func admit(_ source: SourceAddress, now: Date) -> Decision {
        nextGeneration &+= 1
        var entry = entries[source] ?? Entry(tokens: configuration.burst, updated: now, windowStart: now, generation: 0)
        let elapsed = max(0, now.timeIntervalSince(entry.updated))
        entry.tokens = min(configuration.burst, entry.tokens + elapsed * configuration.rate)
        entry.updated = now
        entry.generation = nextGeneration
        let decision: Decision
        // The tolerance absorbs Date's floating-point rounding (0.1 s at 10/s is one token).
        if entry.tokens >= 1 - 1e-6 {
            entry.tokens = max(0, entry.tokens - 1)
            decision = .allow
        } else {
            if now.timeIntervalSince(entry.windowStart) > configuration.rejectionWindow.seconds {
                entry.windowStart = now
                entry.rejections = 0
            }
            entry.rejections += 1
            if configuration.banAfterRejections > 0, entry.rejections >= configuration.banAfterRejections {
                entry.rejections = 0
                entry.windowStart = now
                decision = .reject(ban: configuration.banDuration)
            } else {
                decision = .reject(ban: nil)
            }
        }
        let isNew = entries[source] == nil
        entries[source] = entry
        order.append((source, nextGeneration))
        if isNew { evictIfNeeded() }
        compactIfNeeded()
        return decision
    }

    /// Forgets `source` (after a ban is lifted, say).
    public mutating func forget(_ source: SourceAddress) {
        entries[source] = nil
    }

    private mutating func evictIfNeeded() {
        while entries.count > configuration.maxSources, orderHead < order.count {
            let (source, generation) = order[orderHead]
            orderHead += 1
            if entries[source]?.generation == generation { entries[source] = nil }
        }
    }

    /// Keeps `order` within a few times the number of entries: amortised O(1) per request.
    private mutating func compactIfNeeded() {
        guard order.count - orderHead > 4 * max(entries.count, 16) || orderHead > order.count / 2 + 1024 else { return }
        order = order[orderHead...].filter { entries[$0.0]?.generation == $0.1 }
        orderHead = 0
    }
}
