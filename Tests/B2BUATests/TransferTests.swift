import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import Testing

/// Blind transfer by the answered leg's REFER (RFC 3515, RFC 5589 §6).
@Suite struct TransferTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let carol = ["carol": ["sip:carol@10.0.0.9:5060"]]
    let leg1 = CallLegID(1)
    let leg2 = CallLegID(2)

    /// The dial plan's answer for the door dialling `number`.
    static func decision(_ number: String) throws -> RoutingDecision {
        let plan = try #require(DialPlan.load(text: CallHarness.yaml, file: "transfer-test.yaml").plan)
        return plan.route(CallRequest(caller: .endpoint("door"), calledNumber: number, time: CallHarness.epoch),
                          state: NetworkState())
    }

    func transferring() throws -> (CallHarness, [CallAction]) {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let (start, actions) = call.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .callee, at: call.now)
        #expect(start == .accepted)
        let recorded = call.record(actions)
        return (call, recorded)
    }

    @Test func theTargetAnswersAndTakesTheReferrersPlace() throws {
        var (call, started) = try transferring()
        #expect(started.first == .notifyTransfer(leg1, status: 100, final: false))
        let request = try #require(started.createdLegs.first)
        #expect(request.id == leg2 && request.contact == "sip:carol@10.0.0.9:5060" && request.target.target == "carol")
        #expect(request.offer.text.contains("m=audio 30004"), "the callee-side ports stay")
        #expect(started.last == .startTimer(.transferRing, after: .seconds(20)))

        let ringing = call.provisional(180, from: leg2)
        #expect(ringing.isEmpty, "the caller was answered long ago: no 180")
        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(Array(done.prefix(2)) == [.ackLeg(leg2), .stopTimer(.transferRing)])
        #expect(done.contains { if case .updateMedia(let plan) = $0 { plan.callee.session.audio?.remoteAddress == "10.0.0.9" } else { false } })
        #expect(Array(done.suffix(2)) == [.notifyTransfer(leg1, status: 200, final: true),
                                          .sendByeToLeg(leg1, reason: Q850Cause.reason(Q850Cause.normalClearing))])
        #expect(call.machine.answeredLeg == leg2)
        #expect(call.record(call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)).isEmpty, "the referrer's 200/BYE race")
        let ended = call.record(call.machine.receiveLegBye(reason: nil, from: leg2, at: call.now))
        #expect(ended.first == .sendByeToCaller(reason: Q850Cause.reason(Q850Cause.normalClearing)))
        guard case .callEnded(let record)? = ended.last else { Issue.record("no record"); return }
        #expect(record.legs.map(\.target) == ["alice", "carol"])
    }

    @Test func aFailedTransferLeavesTheCallWithTheReferrer() throws {
        var (call, _) = try transferring()
        let failed = call.final(486, from: leg2)
        #expect(failed == [.stopTimer(.transferRing), .notifyTransfer(leg1, status: 486, final: true)])
        #expect(call.machine.answeredLeg == leg1 && !call.machine.isEnded)
        // A new transfer may start.
        let again = call.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .callee, at: call.now)
        #expect(again.start == .accepted)
    }

    @Test func refusedTransfers() throws {
        var (call, _) = try transferring()
        #expect(call.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .callee, at: call.now).start
                == .refused(status: 491), "one at a time")
        #expect(call.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .caller, at: call.now).start
                == .refused(status: 491), "one at a time, whichever side asks")
        var unanswered = try CallHarness(dialled: "101", contacts: alice)
        _ = unanswered.start()
        #expect(unanswered.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .callee, at: unanswered.now).start
                == .refused(status: 403))
        var offline = try CallHarness(dialled: "101", contacts: alice)
        _ = offline.start()
        _ = try offline.answer(leg1, codecs: [.pcmu])
        #expect(offline.machine.receiveTransfer(to: try Self.decision("104"), contacts: [:], from: .callee, at: offline.now).start
                == .refused(status: 480), "carol is not registered")
    }

    @Test func theTransferFollowsTheTargetsRoute() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        // 101: alice (offline here: next_on offline) → carrier (next_on 5xx) → backup.
        let (start, actions) = call.machine.receiveTransfer(to: try Self.decision("101"), contacts: [:], from: .callee, at: call.now)
        _ = call.record(actions)
        #expect(start == .accepted)
        #expect(actions.createdLegs.map(\.target.target) == ["carrier"])
        let next = call.final(503, from: leg2)
        #expect(next.createdLegs.map(\.target.target) == ["backup"], "5xx is in the carrier attempt's next_on")
        #expect(!next.contains { if case .notifyTransfer = $0 { true } else { false } }, "no final NOTIFY yet")
        let backup = try #require(next.createdLegs.first).id
        let done = try call.answer(backup, codecs: [.pcma], address: "192.0.2.9")
        #expect(done.contains(.notifyTransfer(leg1, status: 200, final: true)))
        #expect(call.machine.answeredLeg == backup)
    }

    @Test func theRingTimeoutFailsTheTransfer() throws {
        var (call, _) = try transferring()
        _ = call.provisional(180, from: leg2)
        let timedOut = call.record(call.machine.timerFired(.transferRing, at: call.now))
        #expect(timedOut == [.cancelLeg(leg2, reason: Q850Cause.reason(Q850Cause.noAnswer)),
                             .notifyTransfer(leg1, status: 480, final: true)])
        #expect(call.final(487, from: leg2).isEmpty)
        #expect(call.machine.answeredLeg == leg1)
    }

    @Test func theReferrerMayLeaveBeforeTheTargetAnswers() throws {
        var (call, _) = try transferring()
        #expect(call.record(call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)).isEmpty, "the caller stays")
        #expect(!call.machine.isEnded)
        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(!done.contains { if case .notifyTransfer = $0 { true } else { false } })
        #expect(!done.contains(.sendByeToLeg(leg1, reason: Q850Cause.reason(Q850Cause.normalClearing))))
        #expect(call.machine.answeredLeg == leg2)
    }

    @Test func withTheReferrerGoneAFailedTransferHangsUpTheCaller() throws {
        var (call, _) = try transferring()
        _ = call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)
        let failed = call.final(486, from: leg2)
        #expect(failed.contains(.sendByeToCaller(reason: Q850Cause.reason(forStatus: 486))))
        #expect(call.machine.isEnded)
    }

    @Test func theCallerHangingUpCancelsTheRingingTarget() throws {
        var (call, _) = try transferring()
        _ = call.provisional(180, from: leg2)
        let ended = call.record(call.machine.receiveCallerBye(reason: nil, at: call.now))
        #expect(ended.contains(.cancelLeg(leg2, reason: Q850Cause.reason(Q850Cause.normalClearing))))
        #expect(ended.contains(.stopTimer(.transferRing)))
        #expect(call.machine.isEnded)
        // The target answers anyway (the CANCEL crossed its 2xx): ACK and BYE, the call stays ended.
        let late = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(late.first == .ackLeg(leg2))
        #expect(late.contains { if case .sendByeToLeg(leg2, _) = $0 { true } else { false } })
        #expect(!late.contains { if case .notifyTransfer = $0 { true } else { false } })
        #expect(call.machine.isEnded)
    }

    @Test func aCallerHeldByTheReferrerIsResumedAfterTheTransfer() throws {
        var call = try CallHarness.answered(contacts: alice)
        // RFC 5589 §6: the transferor holds the transferee, then sends REFER.
        let hold = try call.peerOffer(from: leg1, direction: "sendonly", address: "10.0.0.7")
        let held = call.machine.receiveSessionOffer(hold, from: .callee, at: call.now)
        #expect(held.outcome == .forwarded)
        try call.acceptReinvite(toward: .caller, in: held.actions, address: "192.168.10.2")
        #expect(call.machine.isOnHold)

        let (start, actions) = call.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .callee, at: call.now)
        #expect(start == .accepted)
        _ = call.record(actions)
        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        var resume: SessionDescription?
        for case .sendReinvite(.caller, let sdp) in done { resume = sdp }
        let resumeOffer = try #require(resume, "the caller is taken off hold toward the new callee")
        #expect(resumeOffer.text.contains("a=sendrecv"))
        #expect(!call.machine.isOnHold, "the media timeout applies again")
    }

    @Test func aCarriersReferIsRefused() throws {
        var call = try CallHarness(dialled: "101", contacts: [:])
        _ = call.start()
        #expect(try call.request(leg1).target.target == "carrier", "alice is offline: the call went out to the carrier")
        _ = try call.answer(leg1, codecs: [.pcmu])
        let (start, actions) = call.machine.receiveTransfer(to: try Self.decision("104"), contacts: carol, from: .callee, at: call.now)
        #expect(start == .refused(status: 403), "the far end must not dial on the caller's account")
        #expect(actions.isEmpty)
    }

    @Test func withTheReferrerGoneTheCallersHoldIsAnsweredLocally() throws {
        var (call, _) = try transferring()
        _ = call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)
        let hold = try SDPParser().parse(CallHarness.doorReoffer(version: 2, direction: "sendonly"))
        let outcome = call.machine.receiveSessionOffer(hold, from: .caller, at: call.now)
        guard case .answered = outcome.outcome else { Issue.record("\(outcome.outcome)"); return }
        #expect(!outcome.actions.contains { if case .sendReinvite = $0 { true } else { false } }, "no re-INVITE to the departed referrer")
        #expect(!call.machine.isEnded)
    }

    @Test func aReferrerThatLeftOrWasReplacedNoLongerCarriesTheCallee() throws {
        var (call, _) = try transferring()
        #expect(call.machine.carriesCallee(leg1) && !call.machine.carriesCallee(leg2))
        _ = call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now)
        #expect(!call.machine.carriesCallee(leg1), "no session refresh into the departed referrer's dialog")
        _ = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(call.machine.carriesCallee(leg2) && !call.machine.carriesCallee(leg1))
    }
}
