import Foundation
import SIPSecurity
import Testing

@Suite struct SQLiteBanStoreTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bans-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    @Test func anEmptyStoreLoadsNoBans() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try SQLiteBanStore(dataDirectory: directory).load().bans.isEmpty)
    }

    @Test func saveReplacesEveryRowAndReopeningKeepsThem() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let v4 = Ban(source: address("203.0.113.5"), reason: .authenticationFailures, since: at(0), until: at(3600))
        let v6 = Ban(source: address("2001:db8::7"), reason: .rateLimit, since: at(1.5), until: at(601.25))
        do {
            let store = try SQLiteBanStore(dataDirectory: directory)
            try store.save(.init(bans: [v4, v6]))
            try store.save(.init(bans: [v6]))
        }
        let reopened = try SQLiteBanStore(dataDirectory: directory)
        #expect(reopened.path.hasSuffix("/security.sqlite"))
        #expect(try reopened.load().bans == [v6])
    }

    @Test func sharedPolicyRestoresBansFromSQLiteAfterARestart() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = SecurityPolicy.Configuration(bans: .init(maxFailures: 2, banDuration: .seconds(60)))
        let attacker = address("198.51.100.9")
        let issued = LockedBox<[Ban]>([])
        let first = try SharedSecurityPolicy(configuration: configuration, store: SQLiteBanStore(dataDirectory: directory),
                                             now: at(0)) { ban, error in
            #expect(error == nil)
            issued.mutate { $0.append(ban) }
        }
        #expect(first.recordAuthenticationFailure(from: attacker, now: at(0)) == nil)
        let ban = try #require(first.recordAuthenticationFailure(from: attacker, now: at(1)))
        #expect(issued.value == [ban])

        let second = try SharedSecurityPolicy(configuration: configuration, store: SQLiteBanStore(dataDirectory: directory), now: at(5))
        #expect(second.ban(on: attacker, now: at(5)) == ban)
        #expect(second.inspect(request(), source: attacker, now: at(5)) == .dropSilently(.banned))
        // Expired by the time of a third start: not restored.
        let third = try SharedSecurityPolicy(configuration: configuration, store: SQLiteBanStore(dataDirectory: directory), now: at(62))
        #expect(third.activeBans(now: at(62)).isEmpty)
    }

    @Test func allowListingASourceLiftsItsBanAndSavesThat() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trunk = address("192.0.2.44")
        let store = try SQLiteBanStore(dataDirectory: directory)
        let shared = try SharedSecurityPolicy(configuration: .init(bans: .init(maxFailures: 1)), store: store, now: at(0))
        #expect(shared.recordAuthenticationFailure(from: trunk, now: at(0)) != nil)
        #expect(try store.load().bans.map(\.source) == [trunk])
        try shared.replaceAllowList([AddressPrefix("192.0.2.0/24")!], now: at(1))
        #expect(shared.activeBans(now: at(1)).isEmpty)
        #expect(try store.load().bans.isEmpty)
        #expect(shared.recordAuthenticationFailure(from: trunk, now: at(2)) == nil)
        #expect(shared.inspect(request(), source: trunk, now: at(2)) == .allow)
        #expect(shared.allowList.map(\.description) == ["192.0.2.0/24"])
    }
}

/// A value shared with a `@Sendable` callback in a test.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
