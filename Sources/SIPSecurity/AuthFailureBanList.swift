import Foundation

/// Why a source was banned.
public enum BanReason: String, Sendable, Hashable, Codable {
    /// Too many failed authentications (password guessing, extension probing).
    case authenticationFailures
    /// Sustained excess over the request rate limit.
    case rateLimit
    /// Put there by the operator.
    case manual
}

/// One active ban.
public struct Ban: Sendable, Hashable, Codable {
    public var source: SourceAddress
    public var reason: BanReason
    public var since: Date
    public var until: Date

    public init(source: SourceAddress, reason: BanReason, since: Date, until: Date) {
        self.source = source
        self.reason = reason
        self.since = since
        self.until = until
    }
}

/// Counts failed authentications per source and bans a source after `maxFailures` within
/// `window` (INTEROP.md, toll fraud). The caller reports only real failures — wrong credentials,
/// or an unknown user, on a request that carried credentials after a challenge — never the normal
/// first 401/407 challenge (RFC 3261 §22.2 makes that challenge part of every login).
///
/// Bans expire, can be listed and lifted, and survive a restart through ``snapshot(now:)`` and
/// ``restore(_:now:)``. Sources in `allowList` (trunks, doors) are never banned. Memory is bounded:
/// at most `maxTrackedSources` sources with failures and `maxBans` bans (the ban ending first
/// is dropped to make room).
public struct AuthFailureBanList: Sendable {
    public struct Configuration: Sendable, Hashable, Codable {
        public var maxFailures: Int
        public var window: Duration
        public var banDuration: Duration
        /// Never banned, never counted.
        public var allowList: [AddressPrefix]
        public var maxTrackedSources: Int
        public var maxBans: Int

        public init(
            maxFailures: Int = 5, window: Duration = .seconds(300), banDuration: Duration = .seconds(3600),
            allowList: [AddressPrefix] = [], maxTrackedSources: Int = 16_384, maxBans: Int = 16_384
        ) {
            self.maxFailures = max(1, maxFailures)
            self.window = window
            self.banDuration = banDuration
            self.allowList = allowList
            self.maxTrackedSources = max(1, maxTrackedSources)
            self.maxBans = max(1, maxBans)
        }
    }

    /// What a store keeps across restarts: the active bans only (failure counts are short-lived).
    public struct Snapshot: Sendable, Hashable, Codable {
        public var version: Int
        public var bans: [Ban]

        public init(bans: [Ban]) {
            self.version = 1
            self.bans = bans
        }
    }

    public private(set) var configuration: Configuration
    /// Failure times per source, oldest first, within the window.
    var failures: [SourceAddress: [Date]] = [:]
    var bans: [SourceAddress: Ban] = [:]

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Replaces the allow-list (the dial plan's trunks and doors change on reload); bans and
    /// failure counts of sources now on the list are dropped.
    public mutating func replaceAllowList(_ allowList: [AddressPrefix]) {
        configuration.allowList = allowList
        bans = bans.filter { !isAllowListed($0.key) }
        failures = failures.filter { !isAllowListed($0.key) }
    }

    /// Whether `source` is on the allow-list.
    public func isAllowListed(_ source: SourceAddress) -> Bool {
        configuration.allowList.contains { $0.contains(source) }
    }

    /// The ban on `source` at `now`, if any (an expired ban is not returned).
    public func ban(on source: SourceAddress, now: Date) -> Ban? {
        guard let ban = bans[source], ban.until > now else { return nil }
        return ban
    }

    /// Records a failed authentication; returns the ban it triggered, if any.
    public mutating func recordFailure(from source: SourceAddress, now: Date) -> Ban? {
        guard !isAllowListed(source), ban(on: source, now: now) == nil else { return nil }
        let horizon = now.adding(.zero - configuration.window)
        var times = (failures[source] ?? []).filter { $0 > horizon }
        times.append(now)
        if times.count >= configuration.maxFailures {
            failures[source] = nil
            return ban(source, for: configuration.banDuration, reason: .authenticationFailures, now: now)
        }
        if failures[source] == nil, failures.count >= configuration.maxTrackedSources {
            pruneFailures(now: now)
            if failures.count >= configuration.maxTrackedSources, let oldest = failures.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) }) {
                failures[oldest.key] = nil
            }
        }
        failures[source] = times
        return nil
    }

    /// A successful authentication clears the source's failure count.
    public mutating func recordSuccess(from source: SourceAddress) {
        failures[source] = nil
    }

    /// Bans `source` for `duration` (extending an existing ban, never shortening it); nil for an
    /// allow-listed source.
    @discardableResult
    public mutating func ban(_ source: SourceAddress, for duration: Duration, reason: BanReason, now: Date) -> Ban? {
        guard !isAllowListed(source) else { return nil }
        let until = now.adding(duration)
        if let existing = ban(on: source, now: now), existing.until >= until { return existing }
        if bans[source] == nil, bans.count >= configuration.maxBans {
            removeExpired(now: now)
            if bans.count >= configuration.maxBans, let first = bans.values.min(by: { $0.until < $1.until }) {
                bans[first.source] = nil
            }
        }
        let ban = Ban(source: source, reason: reason, since: now, until: until)
        bans[source] = ban
        return ban
    }

    /// Lifts the ban on `source` and clears its failures; whether there was an active ban.
    @discardableResult
    public mutating func lift(_ source: SourceAddress, now: Date) -> Bool {
        failures[source] = nil
        return bans.removeValue(forKey: source).map { $0.until > now } ?? false
    }

    /// The active bans, ending soonest first.
    public func activeBans(now: Date) -> [Ban] {
        bans.values.filter { $0.until > now }.sorted { ($0.until, $0.source) < ($1.until, $1.source) }
    }

    /// Drops expired bans and stale failure counts.
    public mutating func removeExpired(now: Date) {
        bans = bans.filter { $0.value.until > now }
        pruneFailures(now: now)
    }

    /// The active bans, for a store.
    public func snapshot(now: Date) -> Snapshot { Snapshot(bans: activeBans(now: now)) }

    /// Adds the still-active bans of `snapshot` (a source allow-listed since is skipped).
    public mutating func restore(_ snapshot: Snapshot, now: Date) {
        for ban in snapshot.bans where ban.until > now && !isAllowListed(ban.source) {
            if let existing = bans[ban.source], existing.until >= ban.until { continue }
            bans[ban.source] = ban
        }
    }

    private mutating func pruneFailures(now: Date) {
        let horizon = now.adding(.zero - configuration.window)
        failures = failures.filter { ($0.value.last ?? now) > horizon }
    }
}
