import Foundation
import SIPCore

/// A ``SecurityPolicy`` shared by every event loop behind one lock, saving its bans through a
/// ``BanStore`` when they change. The inbound filter of the stack calls ``inspect(_:source:now:)``
/// from any loop; the registrar calls ``recordAuthenticationFailure(from:now:)``.
public final class SharedSecurityPolicy: @unchecked Sendable {
    private let lock = NSLock()
    private var policy: SecurityPolicy
    private let store: BanStore?

    /// Restores the stored bans, if a store is given (an unreadable file is reported, not fatal:
    /// the caller logs it and runs with no bans).
    public init(configuration: SecurityPolicy.Configuration, store: BanStore? = nil, now: Date = Date()) throws {
        policy = SecurityPolicy(configuration: configuration)
        self.store = store
        if let store { policy.restore(try store.load(), now: now) }
    }

    public func inspect(_ request: SIPMessage, source: SourceAddress, now: Date = Date()) -> SecurityPolicy.Verdict {
        let (verdict, banned) = locked { policy -> (SecurityPolicy.Verdict, Bool) in
            let before = policy.counters.bansIssued
            let verdict = policy.inspect(request, source: source, now: now)
            return (verdict, policy.counters.bansIssued != before)
        }
        if banned { try? persist(now: now) }
        return verdict
    }

    @discardableResult
    public func recordAuthenticationFailure(from source: SourceAddress, now: Date = Date()) -> Ban? {
        let ban = locked { $0.recordAuthenticationFailure(from: source, now: now) }
        if ban != nil { try? persist(now: now) }
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

    public func activeBans(now: Date = Date()) -> [Ban] { locked { $0.activeBans(now: now) } }

    public var counters: SecurityPolicy.Counters { locked { $0.counters } }

    /// Drops expired bans (call now and then).
    public func removeExpired(now: Date = Date()) { locked { $0.removeExpired(now: now) } }

    /// Writes the active bans to the store, if any.
    public func persist(now: Date = Date()) throws {
        guard let store else { return }
        try store.save(locked { $0.snapshot(now: now) })
    }

    private func locked<T>(_ body: (inout SecurityPolicy) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&policy)
    }
}
