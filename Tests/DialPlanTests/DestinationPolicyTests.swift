import Foundation
import Testing
@testable import DialPlan

/// Issue 10's destination policy and per-caller call rates: international and premium prefixes
/// blocked unless a route allows them, the refusal kept for the reject's Warning, an
/// IP-authenticated trunk calling only our own numbers, and `calls_per_minute`.
@Suite struct DestinationPolicyTests {
    static let yaml = """
        policy: { country: "46", rate_limit: { calls_per_minute: 12 } }
        endpoints:
          alice: { class: softphone, auth: { user: alice, password_env: A }, calls_per_minute: 5 }
          bob: { class: phone, auth: { user: bob, password_env: B } }
          pbx: { class: pbx, auth: { source: 10.0.0.5 } }
        trunks:
          carrier: { server: 198.51.100.1, allow: [198.51.100.1], dids: ["+4687654321"], limits: { cps: 2 } }
          partner: { server: 198.51.100.9, allow: [198.51.100.9], limits: { calls_per_minute: 40 } }
        routes:
          - name: inbound
            from_trunk: carrier
            to: "+4687654321"
            try: [{ ring: bob, next_on: [offline] }, { trunk: carrier, number: "+46701234567" }]
          - name: out
            to: { prefix: "0" }
            try: [{ trunk: carrier }]
          - name: satellite
            from: pbx
            to: { prefix: "+881" }
            allow: [international, premium]
            try: [{ trunk: carrier }]
        """

    let plan: DialPlan

    init() throws { plan = try Fixtures.plan(Self.yaml) }

    func route(_ caller: CallRequest.Caller, _ number: String, offline: Set<String> = []) -> RoutingDecision {
        plan.route(CallRequest(caller: caller, calledNumber: number, time: Date()), state: NetworkState(offline: offline))
    }

    @Test func internationalPremiumNetworksArePremiumInEveryPlan() {
        #expect(Policy.standard(country: "44").premiumPrefixes.contains("+882"))
        let categories = plan.policy.categories(of: "+88216001234").map(\.0)
        #expect(categories == [.international, .premium])
    }

    @Test func aSoftphoneCallingAbroadIsRefusedWithTheReason() {
        let decision = route(.endpoint("alice"), "0088216001234")
        #expect(decision.attempts.isEmpty)
        #expect(decision.final.status == 403)
        #expect(decision.refusal == "+88216001234 is international (outside +46): blocked by policy")
        // A national call from the same softphone goes out.
        let national = route(.endpoint("alice"), "0701234567")
        #expect(national.attempts.first?.legs.first?.target == "carrier")
        #expect(national.refusal == nil)
    }

    @Test func aRouteAllowingInternationalStillNeedsPremiumAllowedForPremiumNumbers() {
        // The pbx's route allows both: out.
        #expect(route(.endpoint("pbx"), "+88116001234").attempts.count == 1)
        // The same number by the general route: blocked (twice), the first reason kept.
        let general = route(.endpoint("pbx"), "0088216001234")
        #expect(general.attempts.isEmpty)
        #expect(general.refusal?.contains("international") == true)
    }

    @Test func anIPTrunkWithoutDIDsNeverGoesOutToATrunk() {
        let decision = route(.trunk("partner"), "0701234567")
        #expect(decision.attempts.isEmpty)
        #expect(decision.final.status == 403)
        #expect(decision.refusal == "trunk partner has no dids: calls from it never go out to a trunk")
    }

    @Test func aTrunkWithDIDsReachesOnlyThemAndMayForwardThem() {
        #expect(route(.trunk("carrier"), "0701234567").final.status == 404)
        #expect(route(.trunk("carrier"), "0701234567").attempts.isEmpty)
        let forwarded = route(.trunk("carrier"), "+4687654321", offline: ["bob"])
        #expect(forwarded.attempts.map { $0.legs.map(\.target) } == [["carrier"]])
    }

    @Test func callsPerMinuteComeFromTheCallerThenThePolicy() {
        #expect(plan.callsPerMinute(of: .endpoint("alice")) == 5)
        #expect(plan.callsPerMinute(of: .endpoint("bob")) == 12)
        #expect(plan.callsPerMinute(of: .endpoint("pbx")) == 120)
        #expect(plan.callsPerMinute(of: .trunk("partner")) == 40)
        #expect(plan.callsPerMinute(of: .trunk("carrier")) == 120)
        #expect(plan.callsPerMinute(of: .unknown) == nil)
        #expect(plan.callsPerMinute(of: .endpoint("nobody")) == nil)
    }

    @Test func aBadCallsPerMinuteIsAnErrorWithItsPosition() {
        let result = DialPlan.load(text: """
            endpoints:
              alice: { class: softphone, auth: { user: alice, password_env: A }, calls_per_minute: 0 }
            trunks:
              carrier: { server: 198.51.100.1, allow: [198.51.100.1], limits: { calls_per_minute: many } }
            """, file: "rates.yaml")
        #expect(result.plan == nil)
        let lines = result.errors.map(\.description)
        #expect(lines == [
            "rates.yaml:2:88: error: 'calls_per_minute' must be a whole number from 1 to 1000000, not '0' (fix: write a number in that range)",
            "rates.yaml:4:87: error: 'calls_per_minute' must be a whole number from 1 to 1000000, not 'many' (fix: write a number in that range)",
        ])
    }

    /// A PBX-sized endpoint may hold as many concurrent calls as a trunk (100,000) and start up to
    /// a million calls a minute; one more is an error at its position.
    @Test func theLimitsGoUpToTrunkSizeAndNoFurther() throws {
        let plan = try Fixtures.plan("""
            endpoints:
              pbx: { class: pbx, auth: { user: pbx, password_env: P }, limit: 100000, calls_per_minute: 1000000 }
            """)
        #expect(plan.endpoints["pbx"]?.callLimit == 100_000)
        #expect(plan.callsPerMinute(of: .endpoint("pbx")) == 1_000_000)
        let result = DialPlan.load(text: """
            endpoints:
              pbx: { class: pbx, auth: { user: pbx, password_env: P }, limit: 100001 }
            """, file: "big.yaml")
        #expect(result.plan == nil)
        #expect(result.errors.map(\.description) == [
            "big.yaml:2:67: error: 'limit' must be a whole number from 1 to 100000, not '100001' (fix: write a number in that range)",
        ])
    }

    @Test func checkWarnsWhenATrunkWithoutDIDsIsRoutedToATrunk() throws {
        let plan = try Fixtures.plan("""
            trunks:
              carrier: { server: 198.51.100.1, allow: [198.51.100.1], dids: ["+4687654321"] }
              partner: { server: 198.51.100.9, allow: [198.51.100.9] }
            routes:
              - name: transit
                from_trunk: partner
                to: { prefix: "0" }
                try:
                  - trunk: carrier
            """, file: "transit.yaml")
        let warnings = plan.warnings.map { "\($0.line): \($0.message)" }
        #expect(warnings.contains("9: calls from trunk partner never go out to a trunk: it lists no dids"))
    }

    @Test func checkRefusesDoorsReachingPremiumNumbers() {
        let result = DialPlan.load(text: """
            policy: { allow: { premium: [door] } }
            endpoints:
              door: { class: door, auth: { source: 192.168.10.20 } }
            trunks:
              carrier: { server: 198.51.100.1, allow: [198.51.100.1], dids: ["+4687654321"] }
            routes:
              - name: door out
                from: door
                to: { prefix: "0" }
                allow: [premium]
                try: [{ trunk: carrier }]
            """, file: "door.yaml")
        #expect(result.plan == nil)
        let messages = result.errors.map { "\($0.line): \($0.message)" }
        #expect(messages.contains("1: policy lets doors call premium numbers"))
        #expect(messages.contains("7: route 'door out' lets door door reach premium numbers"))
    }
}
