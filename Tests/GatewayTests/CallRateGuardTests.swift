import DialPlan
import Foundation
import SIPSecurity
import Testing
@testable import Gateway

/// The call path's per-caller rate defences (issue 10): the dial plan's `calls_per_minute`
/// enforced per endpoint and trunk, and the rate-jump alarm counted at `/metrics`. The same on
/// real INVITEs runs in scripts/interop-security (phase 4).
@Suite struct CallRateGuardTests {
    static func plan() throws -> DialPlan {
        let result = DialPlan.load(text: """
            policy: { rate_limit: { calls_per_minute: 6 } }
            endpoints:
              alice: { class: softphone, auth: { user: alice, password_env: A }, calls_per_minute: 3 }
              bob: { class: phone, auth: { user: bob, password_env: B } }
            trunks:
              carrier: { server: 198.51.100.1, allow: [198.51.100.1], dids: ["+4687654321"], limits: { calls_per_minute: 2 } }
            """, file: "rates.yaml")
        return try #require(result.plan)
    }

    @Test func eachCallerIsHeldToItsOwnLimit() throws {
        let plan = try Self.plan()
        let guardian = CallRateGuard()
        let t0 = Date(timeIntervalSince1970: 5_000_000)
        let alice = (0..<5).compactMap { guardian.check(.endpoint("alice"), plan: plan, now: t0 + Double($0) * 0.1) }
        #expect(alice.map(\.admitted) == [true, true, true, false, false])
        #expect(alice.last?.perMinute == 3)
        #expect((alice.last?.retryAfter ?? 0) >= 19)
        let bob = (0..<7).compactMap { guardian.check(.endpoint("bob"), plan: plan, now: t0 + Double($0) * 0.1) }
        #expect(bob.filter(\.admitted).count == 6)
        let carrier = (0..<3).compactMap { _ in guardian.check(.trunk("carrier"), plan: plan, now: t0) }
        #expect(carrier.map(\.admitted) == [true, true, false])
        #expect(guardian.check(.unknown, plan: plan, now: t0) == nil)
        // A minute later alice may call again.
        #expect(guardian.check(.endpoint("alice"), plan: plan, now: t0 + 60)?.admitted == true)
    }

    @Test func aRateJumpIsCountedAtMetricsOnceAndRefusalsToo() throws {
        let plan = try Self.plan()
        let metrics = GatewayMetrics()
        let guardian = CallRateGuard(alarm: .init(minimumCalls: 4, factor: 2))
        guardian.count(into: .init(alarms: metrics.callRateAlarms, refusals: metrics.callRateRefusals))
        #expect(metrics.registry.emitToString().contains("gatehouse_call_rate_alarms_total 0"))
        let t0 = Date(timeIntervalSince1970: 5_000_000)
        let verdicts = (0..<8).compactMap { guardian.check(.endpoint("alice"), plan: plan, now: t0 + Double($0)) }
        // Refused calls count for the alarm too: the 4th call (the first refused) raises it.
        #expect(verdicts.compactMap(\.alarm).count == 1)
        #expect(verdicts[3].alarm?.caller == "endpoint:alice")
        let text = metrics.registry.emitToString()
        #expect(text.contains("gatehouse_call_rate_alarms_total 1"))
        #expect(text.contains("gatehouse_call_rate_refusals_total 5"))
    }

    @Test func callsInSetupPerSourceDefaultAndConfigured() throws {
        let base = "listen:\n  - { transport: udp, address: 127.0.0.1, port: 0 }\n"
        #expect(try GatewayConfiguration.parse(base, file: "gw.yaml").callsInSetupPerSource == SetupLimiter.defaultPerSource)
        let custom = try GatewayConfiguration.parse(base + "calls: { max_in_setup_per_source: 7 }", file: "gw.yaml")
        #expect(custom.callsInSetupPerSource == 7)
        do {
            _ = try GatewayConfiguration.parse(base + "calls:\n  max_in_setup_per_source: 0\n", file: "gw.yaml")
            Issue.record("0 calls in setup per source is an error")
        } catch let errors as ConfigurationErrors {
            #expect(errors.errors.count == 1)
            #expect(errors.description.contains("gw.yaml:4:"), "the value is on line 4: \(errors.description)")
        }
    }

    @Test func warningTextIsAQuotedString() {
        #expect(CallService.warning(399, "plain") == #"399 gatehouse "plain""#)
        #expect(CallService.warning(302, #"a "quoted" \ name"#) == #"302 gatehouse "a \"quoted\" \\ name""#)
    }
}
