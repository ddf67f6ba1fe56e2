import AdminAPI
import Foundation
import Testing
@testable import Gateway

/// A call layer that records what the drain asked of it; its calls end when `endAfterStop` says.
actor RecordingCallLayer: CallLayer {
    private(set) var steps: [String] = []
    private var active: [AdminCall]
    private let endsOnItsOwn: Bool

    init(calls: Int, endsOnItsOwn: Bool) {
        active = (0..<calls).map { AdminCall(id: "call-\($0)", from: "door", to: "101", state: "answered", startedAt: Date(), legs: ["call-\($0)"]) }
        self.endsOnItsOwn = endsOnItsOwn
    }

    func calls() async -> [AdminCall] { active }
    func call(id: String) async -> AdminCall? { active.first { $0.id == id } }

    func stopAcceptingCalls(retryAfter: Duration) async {
        steps.append("stop \(retryAfter)")
        if endsOnItsOwn { active.removeAll() }
    }

    func callsInProgress() async -> Int { active.count }

    func endAllCalls() async {
        steps.append("end \(active.count)")
        active.removeAll()
    }
}

@Suite(.serialized) struct CallDrainTests {
    @Test func callsThatEndInTimeAreNotEnded() async throws {
        let layer = RecordingCallLayer(calls: 2, endsOnItsOwn: true)
        let gateway = try await GatewayHarness.start(drainSeconds: 5) { $0.attach(calls: layer) }
        #expect(try await gateway.get("/status", as: AdminStatus.self).callsInProgress == 2)
        #expect(try await gateway.get("/calls/call-1", as: AdminCall.self).to == "101")
        try await gateway.stop()
        #expect(await layer.steps == ["stop 30.0 seconds"])
        #expect(gateway.service.runtime.draining)
    }

    @Test func callsLeftAfterTheDrainTimeAreEnded() async throws {
        let layer = RecordingCallLayer(calls: 3, endsOnItsOwn: false)
        let gateway = try await GatewayHarness.start(drainSeconds: 1) { $0.attach(calls: layer) }
        let clock = ContinuousClock()
        let start = clock.now
        try await gateway.stop()
        let elapsed = clock.now - start
        #expect(await layer.steps == ["stop 30.0 seconds", "end 3"])
        #expect(elapsed >= .seconds(1))
        #expect(elapsed < .seconds(5))
    }

    @Test func withoutACallLayerShutdownIsImmediate() async throws {
        let gateway = try await GatewayHarness.start(drainSeconds: 30)
        let clock = ContinuousClock()
        let start = clock.now
        try await gateway.stop()
        #expect(clock.now - start < .seconds(5))
    }
}
