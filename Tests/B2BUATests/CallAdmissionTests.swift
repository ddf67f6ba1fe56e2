import B2BUA
import Foundation
import Testing

@Suite struct CallAdmissionTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)

    @Test func overloadRejectsWith503RetryAfterAndCongestionCause() {
        var admission = CallAdmission(limits: .init(maxCalls: 10, maxCallsInSetup: 2, retryAfter: 7))
        let r1 = admission.admitCall("a", caller: nil, callerLimit: nil)
        #expect(r1 == .admit)
        let r2 = admission.admitCall("b", caller: nil, callerLimit: nil)
        #expect(r2 == .admit)
        guard case .reject(let status, let reason, let retryAfter) = admission.admitCall("c", caller: nil, callerLimit: nil)
        else { Issue.record("a third call in setup was admitted"); return }
        #expect(status == 503)
        #expect(reason.cause == 42)
        #expect(retryAfter == 7)
        // An answered call leaves setup: room for one more.
        admission.answered(callID: "a")
        let r3 = admission.admitCall("c", caller: nil, callerLimit: nil)
        #expect(r3 == .admit)
        #expect(admission.callCount == 3)
        #expect(admission.callsInSetup == 2)
    }

    @Test func totalCallLimitCountsAnsweredCalls() {
        var admission = CallAdmission(limits: .init(maxCalls: 2, maxCallsInSetup: 100))
        for id in ["a", "b"] {
            let r4 = admission.admitCall(id, caller: nil, callerLimit: nil)
            #expect(r4 == .admit)
            admission.answered(callID: id)
        }
        let r5 = admission.admitCall("c", caller: nil, callerLimit: nil)
        #expect(r5 != .admit)
        admission.ended(callID: "a")
        let r6 = admission.admitCall("c", caller: nil, callerLimit: nil)
        #expect(r6 == .admit)
    }

    @Test func endpointOverItsLimitIsBusy() {
        var admission = CallAdmission()
        let door = CallAdmission.Party.endpoint("front-door")
        let r7 = admission.admitCall("1", caller: door, callerLimit: 2)
        #expect(r7 == .admit)
        let r8 = admission.admitCall("2", caller: door, callerLimit: 2)
        #expect(r8 == .admit)
        let r9 = admission.admitCall("3", caller: door, callerLimit: 2)
        #expect(r9 == .reject(status: 486, reason: .init(protocolName: "Q.850", cause: 17), retryAfter: nil))
        #expect(admission.activeCalls(of: door) == 2)
        admission.ended(callID: "1")
        admission.ended(callID: "1")  // idempotent
        #expect(admission.activeCalls(of: door) == 1)
        let r10 = admission.admitCall("3", caller: door, callerLimit: 2)
        #expect(r10 == .admit)
    }

    @Test func trunkCallerOverItsLimitGets503NoCircuit() {
        var admission = CallAdmission()
        let carrier = CallAdmission.Party.trunk("carrier")
        let r11 = admission.admitCall("1", caller: carrier, callerLimit: 1)
        #expect(r11 == .admit)
        let r12 = admission.admitCall("2", caller: carrier, callerLimit: 1)
        #expect(r12 == .reject(status: 503, reason: .init(protocolName: "Q.850", cause: 34), retryAfter: nil))
    }

    @Test func trunkLegsRespectConcurrencyAndCallsPerSecond() {
        var admission = CallAdmission()
        for id in ["1", "2", "3", "4"] {
            let admitted = admission.admitCall(id, caller: nil, callerLimit: nil)
            #expect(admitted == .admit)
        }
        // 2 calls/s: a burst of two, then one token every 0.5 s.
        let r14 = admission.admitLeg(of: "1", toTrunk: "carrier", callLimit: 3, callsPerSecond: 2, now: t0)
        #expect(r14)
        let r15 = admission.admitLeg(of: "2", toTrunk: "carrier", callLimit: 3, callsPerSecond: 2, now: t0)
        #expect(r15)
        let r16 = admission.admitLeg(of: "3", toTrunk: "carrier", callLimit: 3, callsPerSecond: 2, now: t0)
        #expect(!r16)
        let r17 = admission.admitLeg(of: "3", toTrunk: "carrier", callLimit: 3, callsPerSecond: 2, now: t0 + 0.5)
        #expect(r17)
        // Three calls on the trunk: the fourth is refused whatever the rate.
        let r18 = admission.admitLeg(of: "4", toTrunk: "carrier", callLimit: 3, callsPerSecond: 2, now: t0 + 10)
        #expect(!r18)
        #expect(admission.activeCalls(of: .trunk("carrier")) == 3)
        admission.ended(callID: "2")
        let r19 = admission.admitLeg(of: "4", toTrunk: "carrier", callLimit: 3, callsPerSecond: 2, now: t0 + 10)
        #expect(r19)
    }

    @Test func secondLegOfOneCallToTheSameTrunkCountsOnce() {
        var admission = CallAdmission()
        let r20 = admission.admitCall("1", caller: nil, callerLimit: nil)
        #expect(r20 == .admit)
        let r21 = admission.admitLeg(of: "1", toTrunk: "carrier", callLimit: 1, callsPerSecond: 10, now: t0)
        #expect(r21)
        let r22 = admission.admitLeg(of: "1", toTrunk: "carrier", callLimit: 1, callsPerSecond: 10, now: t0 + 1)
        #expect(r22)
        #expect(admission.activeCalls(of: .trunk("carrier")) == 1)
    }

    @Test func legOfUnknownCallIsRefused() {
        var admission = CallAdmission()
        let r23 = admission.admitLeg(of: "nope", toTrunk: "carrier", callLimit: 5, callsPerSecond: 5, now: t0)
        #expect(!r23)
        let r24 = admission.admitLeg(of: "nope", toEndpoint: "alice", callLimit: 5)
        #expect(!r24)
    }

    @Test func endpointLegCountsAgainstTheCalleeLimit() {
        var admission = CallAdmission()
        for id in ["1", "2"] {
            let admitted = admission.admitCall(id, caller: nil, callerLimit: nil)
            #expect(admitted == .admit)
        }
        let r26 = admission.admitLeg(of: "1", toEndpoint: "alice", callLimit: 1)
        #expect(r26)
        let r27 = admission.admitLeg(of: "1", toEndpoint: "alice", callLimit: 1)
        #expect(r27)  // the same call again
        let r28 = admission.admitLeg(of: "2", toEndpoint: "alice", callLimit: 1)
        #expect(!r28)
        admission.ended(callID: "1")
        let r29 = admission.admitLeg(of: "2", toEndpoint: "alice", callLimit: 1)
        #expect(r29)
    }
}
