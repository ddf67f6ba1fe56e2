import Foundation
import SIPCore

/// The toll-fraud front door (INTEROP.md): runs on every inbound request before a transaction is
/// created and combines the ban list, the scanner filter and the per-source rate limit.
///
/// Order: allow-listed sources skip bans and rate limits; a banned source is dropped (or answered
/// 403 when `respondToBanned`); a scanner is dropped silently (no response tells it a SIP server is
/// here); a source over its rate gets 503 (RFC 3261 §21.5.4), and a ban when it keeps going.
/// A value type: the owner serialises access (one lock, or one event loop).
public struct SecurityPolicy: Sendable {
    public struct Configuration: Sendable {
        public var scannerSignatures: [String]
        public var rateLimit: SourceRateLimiter.Configuration
        public var bans: AuthFailureBanList.Configuration
        /// Answer a banned source 403 instead of dropping its requests.
        public var respondToBanned: Bool
        /// Whether requests are rate limited at all.
        public var rateLimitEnabled: Bool

        public init(
            scannerSignatures: [String] = ScannerFilter.defaultSignatures,
            rateLimit: SourceRateLimiter.Configuration = .init(), bans: AuthFailureBanList.Configuration = .init(),
            respondToBanned: Bool = false, rateLimitEnabled: Bool = true
        ) {
            self.scannerSignatures = scannerSignatures
            self.rateLimit = rateLimit
            self.bans = bans
            self.respondToBanned = respondToBanned
            self.rateLimitEnabled = rateLimitEnabled
        }
    }

    /// Why a request was not let through.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        case scanner
        case banned
        case rateLimited
    }

    /// What to do with a request.
    public enum Verdict: Sendable, Hashable {
        case allow
        /// No response at all.
        case dropSilently(Reason)
        /// A stateless final response with `status` (503 or 403).
        case reject(status: Int, Reason)
    }

    /// Requests counted per outcome.
    public struct Counters: Sendable, Hashable, Codable {
        public var allowed = 0
        public var dropped: [Reason: Int] = [:]
        public var rejected: [Reason: Int] = [:]
        public var bansIssued: [BanReason: Int] = [:]

        public init() {}
    }

    public private(set) var configuration: Configuration
    public let scannerFilter: ScannerFilter
    public private(set) var rateLimiter: SourceRateLimiter
    public private(set) var banList: AuthFailureBanList
    public private(set) var counters = Counters()

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.scannerFilter = ScannerFilter(signatures: configuration.scannerSignatures)
        self.rateLimiter = SourceRateLimiter(configuration: configuration.rateLimit)
        self.banList = AuthFailureBanList(configuration: configuration.bans)
    }

    /// Decides on one inbound request from `source` at `now`.
    public mutating func inspect(_ request: SIPMessage, source: SourceAddress, now: Date) -> Verdict {
        let verdict = decide(request, source: source, now: now)
        switch verdict {
        case .allow: counters.allowed += 1
        case .dropSilently(let reason): counters.dropped[reason, default: 0] += 1
        case .reject(_, let reason): counters.rejected[reason, default: 0] += 1
        }
        return verdict
    }

    private mutating func decide(_ request: SIPMessage, source: SourceAddress, now: Date) -> Verdict {
        let trusted = banList.isAllowListed(source)
        if !trusted, banList.ban(on: source, now: now) != nil {
            return configuration.respondToBanned ? .reject(status: 403, .banned) : .dropSilently(.banned)
        }
        if scannerFilter.matchingSignature(request) != nil { return .dropSilently(.scanner) }
        guard !trusted, configuration.rateLimitEnabled else { return .allow }
        switch rateLimiter.admit(source, now: now) {
        case .allow:
            return .allow
        case .reject(let ban):
            if let ban, banList.ban(source, for: ban, reason: .rateLimit, now: now) != nil {
                counters.bansIssued[.rateLimit, default: 0] += 1
            }
            return .reject(status: 503, .rateLimited)
        }
    }

    /// Replaces the sources never banned nor rate limited (see
    /// ``AuthFailureBanList/replaceAllowList(_:)``).
    public mutating func replaceAllowList(_ allowList: [AddressPrefix]) {
        configuration.bans.allowList = allowList
        banList.replaceAllowList(allowList)
        for prefix in allowList where prefix.length == prefix.network.bytes.count * 8 { rateLimiter.forget(prefix.network) }
    }

    /// The sources never banned nor rate limited.
    public var allowList: [AddressPrefix] { configuration.bans.allowList }

    /// Reports a real authentication failure (not the first challenge); returns the ban it caused.
    @discardableResult
    public mutating func recordAuthenticationFailure(from source: SourceAddress, now: Date) -> Ban? {
        let ban = banList.recordFailure(from: source, now: now)
        if ban != nil { counters.bansIssued[.authenticationFailures, default: 0] += 1 }
        return ban
    }

    /// Reports a successful authentication (clears the failure count).
    public mutating func recordAuthenticationSuccess(from source: SourceAddress) {
        banList.recordSuccess(from: source)
    }

    /// Bans `source` by hand.
    @discardableResult
    public mutating func ban(_ source: SourceAddress, for duration: Duration, now: Date) -> Ban? {
        let ban = banList.ban(source, for: duration, reason: .manual, now: now)
        if ban != nil { counters.bansIssued[.manual, default: 0] += 1 }
        return ban
    }

    /// Lifts a ban and resets the source's rate bucket; whether a ban was active.
    @discardableResult
    public mutating func lift(_ source: SourceAddress, now: Date) -> Bool {
        rateLimiter.forget(source)
        return banList.lift(source, now: now)
    }

    /// The active bans, ending soonest first.
    public func activeBans(now: Date) -> [Ban] { banList.activeBans(now: now) }

    /// Drops expired bans and stale counts (call now and then, e.g. once a minute).
    public mutating func removeExpired(now: Date) { banList.removeExpired(now: now) }

    /// The bans to persist.
    public func snapshot(now: Date) -> AuthFailureBanList.Snapshot { banList.snapshot(now: now) }

    /// Restores persisted bans.
    public mutating func restore(_ snapshot: AuthFailureBanList.Snapshot, now: Date) { banList.restore(snapshot, now: now) }
}
