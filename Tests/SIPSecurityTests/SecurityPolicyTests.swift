import Foundation
import Testing
import SIPSecurity

struct SecurityPolicyTests {
    let phone = address("198.51.100.7")
    let trunk = address("192.0.2.10")

    func policy(respondToBanned: Bool = false) -> SecurityPolicy {
        SecurityPolicy(configuration: .init(
            rateLimit: .init(rate: 1, burst: 2, banAfterRejections: 2, banDuration: .seconds(30)),
            bans: .init(maxFailures: 2, banDuration: .seconds(60), allowList: [AddressPrefix("192.0.2.0/24")!]),
            respondToBanned: respondToBanned))
    }

    @Test(arguments: [
        (nil, "<sip:alice@example.com>;tag=1", SecurityPolicy.Verdict.allow),
        ("friendly-scanner", "<sip:alice@example.com>;tag=1", .dropSilently(.scanner)),
        ("Linphone", "\"sipvicious\"<sip:100@1.1.1.1>;tag=1", .dropSilently(.scanner)),
    ] as [(String?, String, SecurityPolicy.Verdict)])
    func firstRequestVerdicts(userAgent: String?, from: String, verdict: SecurityPolicy.Verdict) {
        var policy = policy()
        #expect(policy.inspect(request(userAgent: userAgent, from: from), source: phone, now: at(0)) == verdict)
    }

    @Test func floodIsRejectedThenBannedThenForgiven() {
        var policy = policy()
        let verdicts = (0..<6).map { _ in policy.inspect(request(), source: phone, now: at(0)) }
        #expect(verdicts == [
            .allow, .allow, .reject(status: 503, .rateLimited), .reject(status: 503, .rateLimited),
            .dropSilently(.banned), .dropSilently(.banned),
        ])
        #expect(policy.activeBans(now: at(1)).map(\.reason) == [.rateLimit])
        #expect(policy.counters.allowed == 2)
        #expect(policy.counters.rejected == [.rateLimited: 2])
        #expect(policy.counters.dropped == [.banned: 2])
        #expect(policy.counters.bansIssued == [.rateLimit: 1])
        #expect(policy.inspect(request(), source: phone, now: at(30)) == .allow)
    }

    @Test func authFailuresBanAndLiftRestores() {
        var policy = policy(respondToBanned: true)
        #expect(policy.recordAuthenticationFailure(from: phone, now: at(0)) == nil)
        #expect(policy.recordAuthenticationFailure(from: phone, now: at(1))?.reason == .authenticationFailures)
        #expect(policy.inspect(request(), source: phone, now: at(2)) == .reject(status: 403, .banned))
        let lifted = policy.lift(phone, now: at(3))
        #expect(lifted)
        #expect(policy.inspect(request(), source: phone, now: at(3)) == .allow)
    }

    @Test func allowListedTrunkIsNeitherLimitedNorBannedButScannersStillDrop() {
        var policy = policy()
        for _ in 0..<50 { #expect(policy.inspect(request(), source: trunk, now: at(0)) == .allow) }
        #expect(policy.recordAuthenticationFailure(from: trunk, now: at(0)) == nil)
        #expect(policy.recordAuthenticationFailure(from: trunk, now: at(0)) == nil)
        #expect(policy.ban(trunk, for: .seconds(60), now: at(0)) == nil)
        #expect(policy.inspect(request(userAgent: "friendly-scanner"), source: trunk, now: at(0)) == .dropSilently(.scanner))
    }

    @Test func manualBanAndDisabledRateLimit() {
        var policy = SecurityPolicy(configuration: .init(rateLimit: .init(rate: 1, burst: 1), rateLimitEnabled: false))
        for _ in 0..<10 { #expect(policy.inspect(request(), source: phone, now: at(0)) == .allow) }
        #expect(policy.ban(phone, for: .seconds(5), now: at(0))?.reason == .manual)
        #expect(policy.inspect(request(), source: phone, now: at(1)) == .dropSilently(.banned))
        #expect(policy.counters.bansIssued == [.manual: 1])
    }
}

struct SharedSecurityPolicyTests {
    @Test func bansArePersistedWhenIssuedAndLifted() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bans-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let configuration = SecurityPolicy.Configuration(bans: .init(maxFailures: 1, banDuration: .seconds(60)))
        let attacker = address("203.0.113.5")
        let shared = try SharedSecurityPolicy(configuration: configuration, store: BanStore(url: url), now: at(0))
        #expect(shared.recordAuthenticationFailure(from: attacker, now: at(0)) != nil)

        let restarted = try SharedSecurityPolicy(configuration: configuration, store: BanStore(url: url), now: at(10))
        #expect(restarted.inspect(request(), source: attacker, now: at(10)) == .dropSilently(.banned))
        #expect(restarted.counters.dropped == [.banned: 1])
        #expect(try restarted.lift(attacker, now: at(11)))

        let again = try SharedSecurityPolicy(configuration: configuration, store: BanStore(url: url), now: at(12))
        #expect(again.activeBans(now: at(12)).isEmpty)
    }
}
