import AdminAPI
import DialPlan
import Foundation
import Testing
@testable import Gateway

/// The call timeline's events from a real dial-plan decision, its bounds, and the ring of ended
/// calls. The timeline of a whole call over sockets is checked in scripts/interop-service.
@Suite struct CallTimelineTests {
    static let plan = """
        endpoints:
          door:
            class: door
            number: "100"
            auth: { source: 192.0.2.20 }
          alice:
            class: softphone
            number: "101"
            auth: { source: 192.0.2.21 }
        trunks:
          carrier:
            server: 198.51.100.5
            port: 5060
            allow: [198.51.100.5]
        routes:
          - name: door-to-alice
            from: door
            to: "101"
            try:
              - ring: alice
                timeout: 20s
              - trunk: carrier
                number: "+46701234567"
        """

    static func decision() throws -> RoutingDecision {
        let directory = try temporaryPlanDirectory("timeline", plan: plan)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try DialPlanStore(path: directory + "/plan.yaml")
        return store.current.plan.route(CallRequest(caller: .endpoint("door"), calledNumber: "101", time: Date()))
    }

    /// The plan line of `text` in ``plan`` (1-based).
    static func line(of text: String) -> Int {
        (plan.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) } ?? -1) + 1
    }

    @Test func routingAndFailoverNameTheirPlanLines() throws {
        let decision = try Self.decision()
        try #require(decision.attempts.count == 2)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var timeline = CallTimeline()
        timeline.recordRouting(decision, at: start)
        #expect(timeline.events.first?.kind == .route)
        #expect(timeline.events.first?.detail.hasPrefix("route door-to-alice (plan.yaml:\(Self.line(of: "- name: door-to-alice"))): door (class door) → 101, 2 attempts") == true)

        // The first attempt fails at once (alice offline) and the carrier is rung, in one event.
        let offline = CallTimeline.LegSnapshot(target: "alice", contact: nil, attempt: 0, outcome: "offline", status: nil,
                                               started: start, ended: start)
        var carrier = CallTimeline.LegSnapshot(target: "carrier", contact: nil, attempt: 1, outcome: "pending", status: nil,
                                               started: start, ended: nil)
        timeline.recordLegChanges(before: [], after: [offline, carrier], decision: decision, at: start)
        let kinds = timeline.events.map(\.kind)
        #expect(kinds == [.route, .attempt, .leg, .failover, .attempt])
        let details = timeline.events.map(\.detail)
        #expect(details[1].hasPrefix("attempt 1 of 2 (plan.yaml:\(Self.line(of: "- ring: alice"))): parallel endpoint alice (alice)"))
        #expect(details[1].contains("ring 20 s"))
        #expect(details[2] == "alice (attempt 1): offline after 0 ms")
        #expect(details[3] == "attempt 1 (plan.yaml:\(Self.line(of: "- ring: alice"))) failed (offline) → attempt 2")
        #expect(details[4].hasPrefix("attempt 2 of 2 (plan.yaml:\(Self.line(of: "- trunk: carrier"))): parallel trunk carrier (+46701234567)"))

        // Nothing changed: nothing written. Then the carrier answers after 1.25 s.
        timeline.recordLegChanges(before: [offline, carrier], after: [offline, carrier], decision: decision, at: start)
        #expect(timeline.events.count == 5)
        let before = carrier
        carrier.outcome = "200"
        carrier.status = 200
        carrier.ended = start.addingTimeInterval(1.25)
        timeline.recordLegChanges(before: [offline, before], after: [offline, carrier], decision: decision, at: carrier.ended!)
        #expect(timeline.events.last == .init(time: start.addingTimeInterval(1.25), kind: .leg,
                                              detail: "carrier (attempt 2): 200 after 1250 ms"))
    }

    @Test func boundedInEventsAndDetailSize() {
        var timeline = CallTimeline()
        for index in 0..<(CallTimeline.maxEvents + 6) { timeline.record(.dtmf, "digit \(index)") }
        #expect(timeline.events.count == CallTimeline.maxEvents)
        #expect(timeline.dropped == 6)
        #expect(timeline.events.first?.detail == "digit 0", "the start of the call is kept")

        var long = CallTimeline()
        long.record(.sdp, String(repeating: "a", count: CallTimeline.maxDetailBytes + 100))
        #expect(long.events[0].detail.utf8.count == CallTimeline.maxDetailBytes + " …(cut)".utf8.count)
    }

    @Test func recentCallsAreFoundByAnyLegAndTheOldestGoesFirst() {
        func call(_ number: Int) -> AdminCall {
            AdminCall(id: "a\(number)", from: "door", to: "101", state: "ended", startedAt: Date(), legs: ["a\(number)", "b\(number)"])
        }
        var recent = RecentCalls(capacity: 3)
        for number in 1...4 { recent.add(call(number)) }
        #expect(recent.count == 3)
        #expect(recent.call(id: "a1") == nil && recent.call(id: "b1") == nil, "the oldest was dropped")
        #expect(recent.call(id: "b2")?.id == "a2")
        #expect(recent.call(id: "a4")?.id == "a4")
        var updated = call(3)
        updated.state = "answered"
        recent.add(updated)
        #expect(recent.count == 3)
        #expect(recent.call(id: "b3")?.state == "answered", "the same call is replaced, not added")
        recent.add(call(5))
        #expect(recent.call(id: "a2") == nil && recent.call(id: "a3")?.id == "a3" && recent.call(id: "b5")?.id == "a5")
    }

    @Test func timelineTextIndentsMultiLineDetails() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let call = AdminCall(id: "abc@host", from: "door", to: "101", state: "ended", startedAt: start, legs: ["abc@host", "b"],
                             timeline: [.init(time: start, kind: "route", detail: "route r (plan.yaml:3)"),
                                        .init(time: start.addingTimeInterval(0.5), kind: "sdp", detail: "caller: offer received\nv=0\ns=-")])
        let text = AdminText.call(call, now: start.addingTimeInterval(2))
        #expect(text.contains("legs: abc@host, b\n"))
        #expect(text.contains("  +0.000s    route  route r (plan.yaml:3)\n"))
        #expect(text.contains("  +0.500s    sdp    caller: offer received\n                   | v=0\n                   | s=-\n"))
    }

    @Test(arguments: [
        ("/etc/gatehouse/dialplan.yaml", "dialplan.yaml"), ("plan.yaml", "plan.yaml"), ("conf/plans/", "plans"),
        ("dir//x.yaml", "x.yaml"), ("/", "/"), ("", ""), ("plän/ü.yaml", "ü.yaml"),
    ])
    func planFileNameIsTheLastPathComponent(path: String, name: String) {
        #expect(CallTimeline.fileName(path) == name)
    }
}
