import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import Testing

/// Blind transfer asked by the caller's own REFER (RFC 3515): the called party is the
/// transferee, the target takes the caller's role (``CallStateMachine/callerLeg``).
@Suite struct CallerTransferTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let carol = ["carol": ["sip:carol@10.0.0.9:5060"]]
    let leg1 = CallLegID(1)
    let leg2 = CallLegID(2)
    let normal = Q850Cause.reason(Q850Cause.normalClearing)

    /// The door called alice (leg1), who answered; the door then REFERs to 104 (carol, leg2).
    func transferring() throws -> (CallHarness, [CallAction]) {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let (start, actions) = call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .caller,
                                                            at: call.now)
        #expect(start == .accepted)
        let recorded = call.record(actions)
        return (call, recorded)
    }

    /// The door's call moved to carol: leg2 carries the caller's role.
    func transferred() throws -> CallHarness {
        var (call, _) = try transferring()
        _ = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        return call
    }

    @Test func theTargetTakesTheCallersPlace() throws {
        var (call, started) = try transferring()
        #expect(started.first == .notifyTransfer(nil, status: 100, final: false), "NOTIFY in the inbound dialog")
        let request = try #require(started.createdLegs.first)
        #expect(request.id == leg2 && request.target.target == "carol")
        #expect(request.offer.text.contains("m=audio 30000"), "carol is offered the caller-side ports")
        #expect(started.last == .startTimer(.transferRing, after: .seconds(20)))
        #expect(call.machine.side(of: leg2) == nil, "a ringing target carries nothing yet")

        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(Array(done.prefix(2)) == [.ackLeg(leg2), .stopTimer(.transferRing)])
        let plan = try #require(done.compactMap { if case .updateMedia(let plan) = $0 { plan } else { nil } }.first)
        #expect(plan.caller.session.audio?.remoteAddress == "10.0.0.9" && plan.caller.localPorts == [30000, 30002])
        #expect(plan.callee.session.audio?.remoteAddress == "10.0.0.7", "alice stays where she was")
        #expect(Array(done.suffix(2)) == [.notifyTransfer(nil, status: 200, final: true), .sendByeToCaller(reason: normal)])
        #expect(call.machine.callerLeg == leg2 && call.machine.answeredLeg == leg1)
        #expect(call.machine.side(of: leg2) == .caller && call.machine.side(of: leg1) == .callee)
        #expect(!call.machine.inboundCarriesCaller)
        #expect(call.machine.currentDescription(for: .caller) == request.offer, "what carol got from us")
    }

    @Test func theReferrersByeCrossingOursChangesNothing() throws {
        var call = try transferred()
        #expect(call.record(call.machine.receiveCallerBye(reason: nil, at: call.now)).isEmpty)
        #expect(!call.machine.isEnded)
        let ended = call.record(call.machine.receiveLegBye(reason: nil, from: leg2, at: call.now))
        #expect(ended.first == .sendByeToLeg(leg1, reason: normal), "carol hung up: alice gets BYE")
        guard case .callEnded(let record)? = ended.last else { Issue.record("no record"); return }
        #expect(record.endedBy == .caller)
        #expect(record.legs.map(\.target) == ["alice", "carol"])
    }

    @Test func theCalleeHangingUpReachesTheNewCaller() throws {
        var call = try transferred()
        let ended = call.record(call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now))
        #expect(ended.first == .sendByeToLeg(leg2, reason: normal))
        #expect(!ended.contains { if case .sendByeToCaller = $0 { true } else { false } }, "the inbound dialog left already")
        #expect(call.machine.isEnded)
    }

    @Test func theGatewayHangingUpByesBothLegs() throws {
        var call = try transferred()
        let ended = call.record(call.machine.hangUp(cause: Q850Cause.timerExpiry, at: call.now))
        let reason = Q850Cause.reason(Q850Cause.timerExpiry)
        #expect(Array(ended.prefix(2)) == [.sendByeToLeg(leg1, reason: reason), .sendByeToLeg(leg2, reason: reason)])
    }

    @Test func aFailedTransferLeavesTheCallWithTheCaller() throws {
        var (call, _) = try transferring()
        #expect(call.final(486, from: leg2) == [.stopTimer(.transferRing), .notifyTransfer(nil, status: 486, final: true)])
        #expect(call.machine.callerLeg == nil && call.machine.inboundCarriesCaller && !call.machine.isEnded)
    }

    @Test func theCallerMayLeaveBeforeTheTargetAnswers() throws {
        var (call, _) = try transferring()
        #expect(call.record(call.machine.receiveCallerBye(reason: nil, at: call.now)).isEmpty, "alice stays")
        #expect(!call.machine.inboundCarriesCaller && !call.machine.isEnded)
        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        #expect(!done.contains { if case .notifyTransfer = $0 { true } else { false } })
        #expect(!done.contains { if case .sendByeToCaller = $0 { true } else { false } })
        #expect(call.machine.callerLeg == leg2)
    }

    @Test func withTheCallerGoneAFailedTransferHangsUpTheCallee() throws {
        var (call, _) = try transferring()
        _ = call.machine.receiveCallerBye(reason: nil, at: call.now)
        let failed = call.final(486, from: leg2)
        #expect(failed.contains(.sendByeToLeg(leg1, reason: Q850Cause.reason(forStatus: 486))))
        #expect(!failed.contains { if case .sendByeToCaller = $0 { true } else { false } })
        #expect(call.machine.isEnded)
    }

    @Test func theNewCallerMayTransferAgainButNotTheOldDialog() throws {
        var call = try transferred()
        let decision = try TransferTests.decision("104")
        #expect(call.machine.receiveTransfer(to: decision, contacts: carol, from: .caller, at: call.now).start
                == .refused(status: 481), "the inbound dialog no longer carries the caller")
        let again = call.machine.receiveTransfer(to: decision, contacts: carol, from: .caller, leg: leg2, at: call.now)
        #expect(again.start == .accepted)
        #expect(again.actions.first == .notifyTransfer(leg2, status: 100, final: false))
    }

    @Test func aHoldFromTheNewCallerReachesTheCallee() throws {
        var call = try transferred()
        let hold = try call.peerOffer(from: leg2, direction: "sendonly", address: "10.0.0.9")
        let held = call.machine.receiveSessionOffer(hold, from: .caller, at: call.now)
        #expect(held.outcome == .forwarded)
        #expect(held.actions.contains { if case .sendReinvite(.callee, _) = $0 { true } else { false } })
        #expect(call.machine.isOfferPending(from: .caller))
    }

    @Test func aCalleeHeldByTheCallerIsResumedAfterTheTransfer() throws {
        var call = try CallHarness.answered(contacts: alice)
        // RFC 5589 §6: the transferor (the door here) holds the transferee, then sends REFER.
        let hold = try SDPParser().parse(CallHarness.doorReoffer(version: 2, direction: "sendonly"))
        let held = call.machine.receiveSessionOffer(hold, from: .caller, at: call.now)
        try call.acceptReinvite(toward: .callee, in: held.actions, address: "10.0.0.7")
        #expect(call.machine.isOnHold)

        let (start, actions) = call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .caller,
                                                            at: call.now)
        #expect(start == .accepted)
        _ = call.record(actions)
        let done = try call.answer(leg2, codecs: [.pcmu], address: "10.0.0.9")
        var resume: SessionDescription?
        for case .sendReinvite(.callee, let sdp) in done { resume = sdp }
        #expect(try #require(resume, "alice is taken off hold toward carol").text.contains("a=sendrecv"))
        #expect(!call.machine.isOnHold)
    }

    @Test func aTrunkCallersReferIsRefused() throws {
        let yaml = CallHarness.yaml + """

              - name: inbound
                from_trunk: carrier
                to: "4687654321"
                try: [{ ring: alice, timeout: 20s }]
            """
        let plan = try #require(DialPlan.load(text: yaml, file: "caller-transfer-test.yaml").plan)
        let decision = plan.route(CallRequest(caller: .trunk("carrier"), calledNumber: "4687654321", time: CallHarness.epoch),
                                  state: NetworkState())
        #expect(decision.callerLeg?.kind == .trunk && decision.route?.name == "inbound")
        var call = try CallHarness(dialled: "101", contacts: alice)
        call.machine = CallStateMachine(callID: "call-2", decision: decision, callerOffer: try SDPParser().parse(CallHarness.doorOffer),
                                        contacts: alice, media: MediaAllocation(address: CallHarness.gateway, callerPorts: [30000],
                                                                                calleePorts: [30004], sessionID: "42"))
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        #expect(call.machine.answeredLeg == leg1)
        let (start, actions) = call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .caller,
                                                            at: call.now)
        #expect(start == .refused(status: 403), "the carrier must not dial on alice's account")
        #expect(actions.isEmpty)
    }

    @Test func beforeTheAnswerTheCallerCannotTransfer() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        #expect(call.machine.receiveTransfer(to: try TransferTests.decision("104"), contacts: carol, from: .caller, at: call.now).start
                == .refused(status: 403))
    }
}
