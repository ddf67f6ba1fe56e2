import Foundation

/// Notices when a caller's call rate jumps (issue 10: "an alert (log + metric) when an
/// endpoint's call rate jumps"): a hijacked softphone account or a compromised PBX starts placing
/// calls far faster than its owner ever did (INTEROP.md, toll fraud).
///
/// Per caller it keeps calls counted in fixed windows and a slow moving average of past windows
/// (the baseline). A window raises the alarm when its count reaches `minimumCalls` and is
/// `factor` times the baseline (at least one call per window) or more; one alarm per caller per
/// `quietPeriod`. A caller never seen before (or forgotten, or after a restart) has that floor as
/// its baseline: an account placing `minimumCalls` calls in its first window alarms once. Pure: the caller
/// reports each call with its time and gets back whether to alert. Memory is bounded by
/// `maxCallers` (the least recently seen caller is forgotten first).
public struct CallRateAlarm: Sendable {
    /// The alarm rule.
    public struct Configuration: Sendable, Hashable {
        /// The counting window.
        public var window: Duration
        /// A window with fewer calls never alarms (a phone placing 3 calls in a minute is normal).
        public var minimumCalls: Int
        /// How many times the baseline a window must reach.
        public var factor: Double
        /// Weight of the newest window in the baseline (exponential moving average).
        public var smoothing: Double
        /// After an alarm, the same caller alarms again no sooner than this.
        public var quietPeriod: Duration
        /// Callers tracked at once.
        public var maxCallers: Int

        /// A 60 s window, at least 10 calls and 5× the baseline, one alarm per 15 minutes.
        public init(window: Duration = .seconds(60), minimumCalls: Int = 10, factor: Double = 5, smoothing: Double = 0.1,
                    quietPeriod: Duration = .seconds(900), maxCallers: Int = 10_000) {
            self.window = window
            self.minimumCalls = max(1, minimumCalls)
            self.factor = max(1, factor)
            self.smoothing = min(1, max(0.001, smoothing))
            self.quietPeriod = quietPeriod
            self.maxCallers = max(1, maxCallers)
        }
    }

    /// An alarm: who, how many calls in the window, and the baseline it was compared with.
    public struct Alarm: Sendable, Hashable {
        public var caller: String
        public var calls: Int
        public var baseline: Double
        public var at: Date
    }

    struct Entry: Sendable {
        var windowStart: Date
        var count: Int
        var baseline: Double
        var lastAlarm: Date?
        var lastSeen: Date
    }

    /// The rule.
    public let configuration: Configuration
    var entries: [String: Entry] = [:]

    /// An alarm with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Callers tracked now.
    public var trackedCallers: Int { entries.count }

    /// A call from `caller` at `now`; returns an alarm when this call makes the window jump.
    public mutating func record(caller: String, at now: Date) -> Alarm? {
        let window = configuration.window.seconds
        var entry = entries[caller] ?? Entry(windowStart: now, count: 0, baseline: 0, lastAlarm: nil, lastSeen: now)
        let elapsed = now.timeIntervalSince(entry.windowStart)
        if elapsed >= window {
            // Close the finished window and any empty ones after it into the baseline.
            let windows = Int(elapsed / window)
            let alpha = configuration.smoothing
            entry.baseline = entry.baseline * (1 - alpha) + Double(entry.count) * alpha
            if windows > 1 { entry.baseline *= pow(1 - alpha, Double(min(windows - 1, 1000))) }
            entry.windowStart = entry.windowStart + Double(windows) * window
            entry.count = 0
        }
        entry.count += 1
        entry.lastSeen = now
        var alarm: Alarm?
        let quiet = entry.lastAlarm.map { now.timeIntervalSince($0) < configuration.quietPeriod.seconds } ?? false
        if !quiet, entry.count >= configuration.minimumCalls,
           Double(entry.count) >= configuration.factor * max(entry.baseline, 1) {
            entry.lastAlarm = now
            alarm = Alarm(caller: caller, calls: entry.count, baseline: entry.baseline, at: now)
        }
        entries[caller] = entry
        if entries.count > configuration.maxCallers, let oldest = entries.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
            entries.removeValue(forKey: oldest.key)
        }
        return alarm
    }
}
