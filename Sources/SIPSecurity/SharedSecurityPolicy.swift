import Foundation
import SIPCore

/// A ``SecurityPolicy`` shared by every event loop behind one lock, saving its bans through a
/// ``BanPersistence`` when they change. The inbound filter of the stack calls
/// ``inspect(_:source:now:)`` from any loop; the registrar calls
/// ``recordAuthenticationFailure(from:now:)``.
public final class SharedSecurityPolicy: @unchecked Sendable {
    private let lock = NSLock()
    private var policy: SecurityPolicy
    private let store: (any BanPersistence)?
    /// Serialises saves: the snapshot is taken under it, so a later save never loses to an earlier one.
    private let storeLock = NSLock()
    private let onBan: (@Sendable (Ban, _ storeError: (any Error)?) -> Void)?

    /// Restores the stored bans, if a store is given (an unreadable store is reported, not fatal:
    /// the caller logs it and runs with no bans). `onBan` hears of every ban the policy issues
    /// (for a log line or a metric), outside the lock, with the error if saving it failed.
    public init(
        configuration: SecurityPolicy.Configuration, store: (any BanPersistence)? = nil, now: Date = Date(),
        onBan: (@Sendable (Ban, _ storeError: (any Error)?) -> Void)? = nil
    ) throws {
        policy = SecurityPolicy(configuration: configuration)
        self.store = store
        self.onBan = onBan
        if let store { policy.restore(try store.load(), now: now) }
    }

    public func inspect(_ request: SIPMessage, source: SourceAddress, now: Date = Date()) -> SecurityPolicy.Verdict {
        let (verdict, ban) = locked { policy -> (SecurityPolicy.Verdict, Ban?) in
            let before = policy.counters.bansIssued
            let verdict = policy.inspect(request, source: source, now: now)
            let banned = policy.counters.bansIssued != before
            return (verdict, banned ? policy.banList.ban(on: source, now: now) : nil)
        }
        if let ban { issued(ban, now: now) }
        return verdict
    }

    @discardableResult
    public func recordAuthenticationFailure(from source: SourceAddress, now: Date = Date()) -> Ban? {
        let ban = locked { $0.recordAuthenticationFailure(from: source, now: now) }
        if let ban { issued(ban, now: now) }
        return ban
    }

    public func recordAuthenticationSuccess(from source: SourceAddress) {
        locked { $0.recordAuthenticationSuccess(from: source) }
    }

    @discardableResult
    public func ban(_ source: SourceAddress, for duration: Duration, now: Date = Date()) throws -> Ban? {
        let ban = locked { $0.ban(source, for: duration, now: now) }
        try persist(now: now)
        return ban
    }

    @discardableResult
    public func lift(_ source: SourceAddress, now: Date = Date()) throws -> Bool {
        let lifted = locked { $0.lift(source, now: now) }
        try persist(now: now)
        return lifted
    }

    /// The ban on `source` now, if any.
    public func ban(on source: SourceAddress, now: Date = Date()) -> Ban? { locked { $0.banList.ban(on: source, now: now) } }

    public func activeBans(now: Date = Date()) -> [Ban] { locked { $0.activeBans(now: now) } }

    public var counters: SecurityPolicy.Counters { locked { $0.counters } }

    /// The sources never banned nor rate limited.
    public var allowList: [AddressPrefix] { locked { $0.allowList } }

    /// Replaces the allow-list; bans of sources now on it are lifted and the store updated.
    public func replaceAllowList(_ allowList: [AddressPrefix], now: Date = Date()) throws {
        let changed = locked { policy -> Bool in
            let before = policy.activeBans(now: now).count
            policy.replaceAllowList(allowList)
            return policy.activeBans(now: now).count != before
        }
        if changed { try persist(now: now) }
    }

    /// Drops expired bans (call now and then).
    public func removeExpired(now: Date = Date()) { locked { $0.removeExpired(now: now) } }

    /// Writes the active bans to the store, if any.
    public func persist(now: Date = Date()) throws {
        guard let store else { return }
        storeLock.lock()
        defer { storeLock.unlock() }
        try store.save(locked { $0.snapshot(now: now) })
    }

    private func issued(_ ban: Ban, now: Date) {
        var storeError: (any Error)?
        do { try persist(now: now) } catch { storeError = error }
        onBan?(ban, storeError)
    }

    private func locked<T>(_ body: (inout SecurityPolicy) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&policy)
    }
}
