import Foundation
import Testing
@testable import DialPlan

@Suite struct RoutingTests {
    static let yaml = """
        timezone: Europe/Stockholm
        policy: { country: "46", trunk_classes: [door, softphone, pbx], allow: { international: [pbx] } }
        endpoints:
          door: { class: door, auth: { source: 192.168.10.0/29 }, dtmf: { mode: info, min_duration: 300ms, gap: 500ms } }
          alice: { class: softphone, auth: { user: alice, password_env: A }, codecs: [opus, PCMU], srtp: require }
          bob: { class: softphone, auth: { user: bob, password_env: B } }
          pbx: { class: pbx, auth: { source: 10.0.0.5 } }
        groups:
          flat: { members: [alice, bob], strategy: sequential, member_timeout: 7s }
        trunks:
          carrier:
            server: sip.example
            register: { user: "4687654321", password_env: C }
            numbers: { format: national }
            identity: { from: "+4687654321", privacy: id }
        routes:
          - name: door
            from: door
            to: "101"
            try:
              - { ring: flat, next_on: [offline, no_answer, busy] }
              - { trunk: carrier, number: "+46701234567", diversion: "+4687654321", timeout: 25s }
            on_dtmf_from_callee: { "1": open_door, "4711": open_door }
          - name: night
            from_class: softphone
            to: "200"
            when: { days: mon-fri, time: "22:00-06:00" }
            reject: { status: 480, reason: Closed }
          - name: day
            from_class: softphone
            to: "200"
            try: [{ ring: bob }]
          - name: out
            from_class: [softphone, pbx]
            to: "^0([1-9][0-9]+)$"
            try: [{ trunk: carrier, number: "+46$1" }]
          - name: abroad
            from_class: [softphone, pbx]
            to: { prefix: "00" }
            try: [{ trunk: carrier }]
        """

    let plan: DialPlan
    let evening: Date

    init() throws {
        plan = try Fixtures.plan(Self.yaml)
        evening = try #require(plan.localTime("2026-11-23T23:30"))
    }

    func call(_ caller: CallRequest.Caller, _ number: String, at time: Date? = nil) -> CallRequest {
        CallRequest(caller: caller, calledNumber: number, time: time ?? evening)
    }

    @Test func doorFailsOverToTheMobileWithDoorPacing() throws {
        let decision = plan.route(call(.endpoint("door"), "101"), state: NetworkState(offline: ["bob"]))
        #expect(decision.route?.name == "door")
        #expect(decision.attempts.map { $0.legs.map(\.target) } == [["alice"], ["carrier"]])
        #expect(decision.attempts[0].timeout == .seconds(7), "a sequential group's member timeout")
        #expect(decision.attempts[0].legs[0].media.srtp == .require)
        let trunk = decision.attempts[1]
        #expect(trunk.legs[0].number == "0701234567", "national format on this trunk")
        #expect(trunk.identity == LegIdentity(from: "+4687654321", assertedIdentity: "door", privacy: .id, diversion: "+4687654321"))
        #expect(trunk.timeout == .seconds(25))
        #expect(decision.doorActions.map(\.digits) == ["1", "4711"])
        #expect(decision.doorActions.first?.dtmf.minDuration == .milliseconds(300))
        #expect(decision.trace.isEmpty, "no trace unless explaining")
    }

    @Test func everyoneOfflineWithoutOfflineInNextOnEndsWith480() throws {
        let decision = plan.route(call(.endpoint("alice"), "200", at: plan.localTime("2026-11-23T12:00")),
                                  state: NetworkState(offline: ["bob"]))
        #expect(decision.route?.name == "day")
        #expect(decision.attempts.isEmpty)
        #expect(decision.final.status == 480)
    }

    @Test func timeWindowsSpanMidnight() throws {
        let night = plan.route(call(.endpoint("alice"), "200"))
        #expect(night.final == FinalDisposition(kind: .reject, status: 480, reason: "Closed", line: night.route?.line))
        let earlyTuesday = plan.route(call(.endpoint("alice"), "200", at: plan.localTime("2026-11-24T05:59")))
        #expect(earlyTuesday.route?.name == "night")
        let saturdayNight = plan.route(call(.endpoint("alice"), "200", at: plan.localTime("2026-11-28T23:00")))
        #expect(saturdayNight.route?.name == "day")
    }

    @Test func capturesFillTheNumberTemplate() {
        let decision = plan.route(call(.endpoint("alice"), "0812345678"))
        #expect(decision.attempts.first?.legs.first?.number == "0812345678")
        #expect(decision.attempts.first?.rewriting == "0812345678 → 0812345678 (number +46$1; national for carrier)")
    }

    @Test func internationalIsBlockedUnlessTheClassIsAllowed() {
        let softphone = plan.route(call(.endpoint("alice"), "004915112345678"), explain: true)
        #expect(softphone.attempts.isEmpty)
        #expect(softphone.final.status == 403)
        #expect(softphone.policyChecks.contains { !$0.passed && $0.check.contains("international") })
        let pbx = plan.route(call(.endpoint("pbx"), "004915112345678"))
        #expect(pbx.attempts.first?.legs.first?.number == "004915112345678")
    }

    @Test func unauthenticatedCallersNeverReachATrunk() {
        let decision = plan.route(call(.unknown, "0812345678"))
        #expect(decision.attempts.isEmpty)
        #expect(decision.route == nil, "no route names unauthenticated callers")
    }

    @Test func aDownTrunkIsSkippedOnlyWhenNextOnSaysSo() {
        let decision = plan.route(call(.endpoint("door"), "101"), state: NetworkState(offline: ["alice", "bob"], trunksDown: ["carrier"]))
        #expect(decision.attempts.isEmpty)
        #expect(decision.final.status == 503, "the last target has nowhere to go: 503")
    }

    @Test func callLimitsMakeEndpointsBusyAndTrunksFull() {
        // The door (limit 2 by default) may not start a third call.
        let third = plan.route(call(.endpoint("door"), "101"), state: NetworkState(activeCalls: ["door": 2]))
        #expect(third.final.status == 486)
        #expect(third.attempts.isEmpty)
        // Both residents busy: the group counts as busy, which its next_on covers; the trunk takes it.
        let busy = plan.route(call(.endpoint("door"), "101"), state: NetworkState(activeCalls: ["alice": 4, "bob": 4]))
        #expect(busy.attempts.map { $0.legs.map(\.target) } == [["carrier"]])
        // A full trunk as the last target ends the call with 503.
        let full = plan.route(call(.endpoint("alice"), "0812345678"), state: NetworkState(activeCalls: ["carrier": 30]))
        #expect(full.attempts.isEmpty)
        #expect(full.final.status == 503)
    }

    @Test func sourceAddressesIdentifyDevices() throws {
        #expect(plan.endpoint(forSource: try #require(IPAddress("192.168.10.6")))?.name == "door")
        #expect(plan.endpoint(forSource: try #require(IPAddress("192.168.10.8"))) == nil)
        #expect(plan.endpoint(forSource: try #require(IPAddress("10.0.0.5")))?.name == "pbx")
    }

    @Test func simulationFollowsNextOn() throws {
        let explanation = plan.explain(call(.endpoint("door"), "101"), outcomes: ["alice": .busy, "bob": .status(486)])
        #expect(explanation.steps.map(\.outcome) == [.busy, .status(486), .answered])
        #expect(explanation.answeredBy == "carrier")
        let stopped = plan.explain(call(.endpoint("door"), "101"), outcomes: ["alice": .declined])
        #expect(stopped.finalStatus == 603, "declined is not in next_on: the call ends")
    }

    /// Routing uses the route index; explaining scans every route. They must agree.
    @Test(arguments: ["101", "200", "0812345678", "004915112345678", "999", ""])
    func theRouteIndexAgreesWithAFullScan(number: String) throws {
        for caller in [CallRequest.Caller.endpoint("door"), .endpoint("alice"), .endpoint("pbx"), .unknown] {
            let fast = plan.route(call(caller, number))
            let full = plan.route(call(caller, number), explain: true)
            #expect(fast.route == full.route)
            #expect(fast.final == full.final)
            #expect(fast.attempts.map { $0.legs.map(\.target) } == full.attempts.map { $0.legs.map(\.target) })
        }
    }
}
