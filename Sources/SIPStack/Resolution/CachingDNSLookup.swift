import NIOConcurrencyHelpers

/// Caches another ``DNSLookup``'s answers for their TTL (the smallest TTL of the answer's
/// records; an empty answer is cached for ``negativeTTL``, RFC 2308 style). Errors are not cached.
///
/// Resolution runs once per new trunk target, never per message, so one lock is fine here.
public final class CachingDNSLookup: DNSLookup {
    enum Key: Hashable {
        case naptr(String), srv(String), addresses(String)
    }
    enum Answer {
        case naptr([NAPTRRecord]), srv([SRVRecord]), addresses([AddressRecord])
    }

    let upstream: any DNSLookup
    let negativeTTL: Duration
    let maximumTTL: Duration
    let now: @Sendable () -> ContinuousClock.Instant
    private let entries = NIOLockedValueBox([Key: (answer: Answer, expires: ContinuousClock.Instant)]())

    /// - Parameters:
    ///   - negativeTTL: how long "no records" is remembered (default 30 s).
    ///   - maximumTTL: a cap on any TTL (default 1 h), so a bad record does not stick for days.
    ///   - now: the clock (tests pass a virtual one).
    public init(
        _ upstream: any DNSLookup, negativeTTL: Duration = .seconds(30), maximumTTL: Duration = .seconds(3600),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.upstream = upstream
        self.negativeTTL = negativeTTL
        self.maximumTTL = maximumTTL
        self.now = now
    }

    /// The number of unexpired entries.
    public var count: Int {
        let time = now()
        return entries.withLockedValue { $0.values.filter { $0.expires > time }.count }
    }

    public func naptr(_ name: String) async throws -> [NAPTRRecord] {
        if case .naptr(let records)? = cached(.naptr(name)) { return records }
        let records = try await upstream.naptr(name)
        store(.naptr(name), .naptr(records), ttls: records.map(\.ttl))
        return records
    }

    public func srv(_ name: String) async throws -> [SRVRecord] {
        if case .srv(let records)? = cached(.srv(name)) { return records }
        let records = try await upstream.srv(name)
        store(.srv(name), .srv(records), ttls: records.map(\.ttl))
        return records
    }

    public func addresses(_ host: String) async throws -> [AddressRecord] {
        if case .addresses(let records)? = cached(.addresses(host)) { return records }
        let records = try await upstream.addresses(host)
        store(.addresses(host), .addresses(records), ttls: records.map(\.ttl))
        return records
    }

    private func cached(_ key: Key) -> Answer? {
        let time = now()
        return entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expires > time { return entry.answer }
            entries[key] = nil
            return nil
        }
    }

    private func store(_ key: Key, _ answer: Answer, ttls: [UInt32]) {
        let ttl = ttls.min().map { Duration.seconds(Int64($0)) } ?? negativeTTL
        let lifetime = min(ttl, maximumTTL)
        guard lifetime > .zero else { return }
        let expires = now() + lifetime
        entries.withLockedValue { $0[key] = (answer, expires) }
    }
}
