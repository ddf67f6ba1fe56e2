import Foundation
import Testing
@testable import SIPSecurity

struct AuthFailureBanListTests {
    let attacker = address("203.0.113.5")
    let configuration = AuthFailureBanList.Configuration(
        maxFailures: 3, window: .seconds(60), banDuration: .seconds(600), allowList: [AddressPrefix("192.0.2.0/24")!])

    /// (failure times, whether the last one bans)
    @Test(arguments: [
        ([0.0, 1, 2], true),
        ([0.0, 1], false),
        ([0.0, 30, 59], true),
        ([0.0, 30, 61], false),  // the first failure left the window
        ([0.0, 70, 80, 90], true),
    ])
    func bansAfterFailuresWithinWindow(times: [Double], bans: Bool) {
        var list = AuthFailureBanList(configuration: configuration)
        var last: Ban?
        for time in times { last = list.recordFailure(from: attacker, now: at(time)) }
        #expect((last != nil) == bans)
        #expect((list.ban(on: attacker, now: at(times.last! + 1)) != nil) == bans)
    }

    @Test func banExpires() throws {
        var list = AuthFailureBanList(configuration: configuration)
        for time in [0.0, 1, 2] { _ = list.recordFailure(from: attacker, now: at(time)) }
        let ban = try #require(list.ban(on: attacker, now: at(3)))
        #expect(ban.reason == .authenticationFailures)
        #expect(ban.until == at(602))
        #expect(list.ban(on: attacker, now: at(601.9)) != nil)
        #expect(list.ban(on: attacker, now: at(602)) == nil)
        #expect(list.activeBans(now: at(602)).isEmpty)
        list.removeExpired(now: at(602))
        #expect(list.bans.isEmpty)
    }

    @Test func successClearsTheCount() {
        var list = AuthFailureBanList(configuration: configuration)
        _ = list.recordFailure(from: attacker, now: at(0))
        _ = list.recordFailure(from: attacker, now: at(1))
        list.recordSuccess(from: attacker)
        #expect(list.recordFailure(from: attacker, now: at(2)) == nil)
    }

    @Test(arguments: ["192.0.2.10", "192.0.2.254"])
    func allowListedSourcesAreNeverBanned(text: String) {
        var list = AuthFailureBanList(configuration: configuration)
        let trunk = address(text)
        for time in 0..<20 { #expect(list.recordFailure(from: trunk, now: at(Double(time))) == nil) }
        #expect(list.ban(trunk, for: .seconds(60), reason: .manual, now: at(0)) == nil)
        #expect(list.ban(on: trunk, now: at(21)) == nil)
    }

    @Test func listAndLift() {
        var list = AuthFailureBanList(configuration: configuration)
        let other = address("2001:db8::66")
        list.ban(other, for: .seconds(100), reason: .manual, now: at(0))
        for time in [0.0, 1, 2] { _ = list.recordFailure(from: attacker, now: at(time)) }
        #expect(list.activeBans(now: at(10)).map(\.source) == [other, attacker])
        let lifted = list.lift(attacker, now: at(10))
        let liftedAgain = list.lift(attacker, now: at(10))
        #expect(lifted)
        #expect(!liftedAgain)
        #expect(list.activeBans(now: at(10)).map(\.source) == [other])
        // After a lift the count starts from zero.
        #expect(list.recordFailure(from: attacker, now: at(11)) == nil)
    }

    @Test func banIsExtendedNeverShortened() {
        var list = AuthFailureBanList(configuration: configuration)
        list.ban(attacker, for: .seconds(100), reason: .manual, now: at(0))
        #expect(list.ban(attacker, for: .seconds(10), reason: .rateLimit, now: at(0))?.until == at(100))
        #expect(list.ban(attacker, for: .seconds(500), reason: .rateLimit, now: at(0))?.until == at(500))
    }

    @Test func boundedMemory() {
        var list = AuthFailureBanList(configuration: .init(maxFailures: 3, maxTrackedSources: 4, maxBans: 2))
        for index in 0..<100 {
            _ = list.recordFailure(from: SourceAddress(bytes: [10, 0, 0, UInt8(index)])!, now: at(Double(index)))
        }
        #expect(list.failures.count <= 4)
        for index in 0..<10 {
            list.ban(SourceAddress(bytes: [10, 0, 1, UInt8(index)])!, for: .seconds(Double(100 + index)), reason: .manual, now: at(0))
        }
        #expect(list.bans.count == 2)
        // The bans ending first were dropped to make room.
        #expect(list.activeBans(now: at(0)).map(\.source.description) == ["10.0.1.8", "10.0.1.9"])
    }

    @Test func snapshotRestoreKeepsOnlyActiveBans() {
        var list = AuthFailureBanList(configuration: configuration)
        list.ban(attacker, for: .seconds(600), reason: .manual, now: at(0))
        list.ban(address("203.0.113.6"), for: .seconds(10), reason: .manual, now: at(0))
        let snapshot = list.snapshot(now: at(5))
        var restored = AuthFailureBanList(configuration: configuration)
        restored.restore(snapshot, now: at(20))
        #expect(restored.activeBans(now: at(20)).map(\.source) == [attacker])
    }
}

struct BanStoreTests {
    @Test func banSurvivesReload() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bans-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = BanStore(url: directory.appendingPathComponent("bans.json"))
        #expect(try store.load().bans.isEmpty)

        var before = SecurityPolicy(configuration: .init(bans: .init(maxFailures: 2, banDuration: .seconds(3600))))
        let attacker = address("203.0.113.5")
        _ = before.recordAuthenticationFailure(from: attacker, now: at(0))
        _ = before.recordAuthenticationFailure(from: attacker, now: at(1))
        try store.save(before.snapshot(now: at(2)))

        // A restart: a fresh policy from the file.
        var after = SecurityPolicy(configuration: .init(bans: .init(maxFailures: 2, banDuration: .seconds(3600))))
        after.restore(try store.load(), now: at(100))
        #expect(after.activeBans(now: at(100)).map(\.source) == [attacker])
        #expect(after.activeBans(now: at(100)).first?.until == at(3601))
        #expect(after.inspect(request(), source: attacker, now: at(100)) == .dropSilently(.banned))
        #expect(after.inspect(request(), source: attacker, now: at(3601)) == .allow)

        // Saving again replaces the file whole.
        try store.save(after.snapshot(now: at(4000)))
        #expect(try store.load().bans.isEmpty)
    }

    @Test func corruptFileIsAnError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bans-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("{\"version\":1,\"bans\":[{\"source\":\"nope\"}]}".utf8).write(to: url)
        #expect(throws: (any Error).self) { try BanStore(url: url).load() }
    }
}
