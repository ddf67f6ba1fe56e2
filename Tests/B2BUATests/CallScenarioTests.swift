import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import Testing

/// Whole calls through the state machine: the door calls, legs answer as scripted.
@Suite struct CallScenarioTests {
    let alice = ["alice": ["sip:alice@10.0.0.7:5060"]]
    let leg1 = CallLegID(1), leg2 = CallLegID(2), leg3 = CallLegID(3)

    @Test func doorCallsSoftphoneWhichAnswersThenTheDoorHangsUp() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        let started = call.start()
        let invite = try #require(started.createdLegs.first)
        #expect(started.createdLegs.count == 1)
        #expect(invite.target.target == "alice" && invite.contact == "sip:alice@10.0.0.7:5060")
        #expect(invite.offer.text.contains("c=IN IP4 \(CallHarness.gateway)"), "the offer points at the gateway")
        #expect(invite.offer.text.contains("opus/48000/2"), "the offer is built from alice's profile")
        #expect(started.contains(.startTimer(.ring(attempt: 0), after: .seconds(20))))

        let trying = call.provisional(100, from: leg1)
        #expect(trying.isEmpty, "100 is hop-by-hop")
        let ringing = call.provisional(180, from: leg1)
        #expect(ringing == [.sendResponseToCaller(status: 180, sdp: nil, reason: nil)])
        call.advance(.seconds(4))
        let answered = try call.answer(leg1, codecs: [.opus, .pcmu])
        #expect(Array(answered.prefix(2)) == [.ackLeg(leg1), .stopTimer(.ring(attempt: 0))])
        let ok = try #require(answered.callerResponse(200))
        let answerText = try #require(ok.sdp?.text)
        #expect(answerText.contains("c=IN IP4 \(CallHarness.gateway)") && answerText.contains("m=audio 30000"))
        #expect(answerText.contains("PCMU/8000"), "the door gets a codec of its own profile")
        let plan = try #require(answered.mediaPlans.first)
        #expect(plan.audio == .transcode(caller: .pcmu, callee: .opus), "door has no opus: the engine transcodes")
        #expect(plan.callee.session.audio?.remoteAddress == "10.0.0.7" && !plan.isEarly)

        call.advance(.seconds(30))
        let bye = call.record(call.machine.receiveCallerBye(reason: nil, at: call.now))
        #expect(bye.first == .sendByeToLeg(leg1, reason: Q850Cause.reason(16)))
        #expect(bye.contains(.releaseMedia))
        let cdr = try #require(bye.record)
        #expect(cdr.summary == "alice:200")
        #expect(cdr.endedBy == .caller && cdr.status == 200 && cdr.q850Cause == 16, "a door's own BYE is a normal end")
        #expect(cdr.billableSeconds == 30)
        #expect(cdr.callerCodec == "PCMU/8000" && cdr.calleeCodec == "opus/48000/2")
        #expect(call.machine.isEnded)
    }

    @Test func offlineSoftphoneGoesStraightToTheTrunkWithIdentity() throws {
        // Offline per the registrar at routing time: the dial plan already skipped alice.
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        let invite = try #require(call.start().createdLegs.first)
        #expect(invite.target.target == "carrier" && invite.contact == nil)
        #expect(invite.identity?.diversion == "+4687654321")
        #expect(invite.offer.text.contains("PCMA/8000"))
        #expect(!invite.offer.text.contains("opus"), "a trunk is offered its own codecs")
    }

    @Test func softphoneWithoutContactsAtCallTimeIsOffline() throws {
        var call = try CallHarness(dialled: "101", contacts: [:])
        let started = call.start()
        #expect(started.createdLegs.map(\.target.target) == ["carrier"])
        #expect(started.contains(.startTimer(.ring(attempt: 1), after: .seconds(25))))
        _ = try call.answer(leg1, codecs: [.pcma])
        let end = call.record(call.machine.receiveLegBye(reason: nil, from: leg1, at: call.now))
        let cdr = try #require(end.record)
        #expect(cdr.summary == "alice:offline → carrier:200")
    }

    @Test func noAnswerFailsOverToTheTrunkWithoutRingingTwice() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        let ringing = call.provisional(180, from: leg1)
        #expect(ringing.callerStatuses == [180])
        call.advance(.seconds(20))
        let timeout = call.ringTimeout(0)
        #expect(timeout.cancelled == [leg1: Q850Cause.reason(19)])
        let trunk = try #require(timeout.createdLegs.first)
        #expect(trunk.id == leg2 && trunk.target.target == "carrier")
        #expect(trunk.identity?.diversion == "+4687654321", "a forwarded call carries Diversion")
        #expect(timeout.contains(.startTimer(.ring(attempt: 1), after: .seconds(25))))
        let terminated = call.final(487, from: leg1)
        #expect(terminated.isEmpty, "the cancelled leg's 487 ends quietly")

        let secondRinging = call.provisional(180, from: leg2)
        #expect(secondRinging.isEmpty, "no second 180 after failover")
        let answered = try call.answer(leg2, codecs: [.pcma])
        #expect(answered.callerStatuses == [200])
        #expect(answered.mediaPlans.first?.audio == .relay(.pcma), "the door's answer follows the trunk's codec")

        call.advance(.seconds(60))
        let end = call.record(call.machine.receiveLegBye(reason: Q850Cause.reason(16), from: leg2, at: call.now))
        #expect(end.first == .sendByeToCaller(reason: Q850Cause.reason(16)))
        let cdr = try #require(end.record)
        #expect(cdr.summary == "alice:no_answer → carrier:200")
        #expect(cdr.endedBy == .callee)
        #expect(cdr.legs[0].ended == cdr.started.addingTimeInterval(20))
        #expect(cdr.legs[1].started == cdr.started.addingTimeInterval(20))
    }

    @Test func busyStopsWhenNotInNextOn() throws {
        var call = try CallHarness(dialled: "102", contacts: alice)
        _ = call.start()
        _ = call.provisional(180, from: leg1)
        let busy = call.final(486, from: leg1)
        #expect(busy.createdLegs.isEmpty, "486 is not in next_on: no trunk")
        #expect(busy.contains(.stopTimer(.ring(attempt: 0))))
        let response = try #require(busy.callerResponse(486))
        #expect(response.reason == Q850Cause.reason(17))
        let cdr = try #require(busy.record)
        #expect(cdr.status == 486 && cdr.q850Cause == 17 && cdr.endedBy == .callee && cdr.summary == "alice:486")
    }

    @Test func parallelRingingCancelsTheLosers() throws {
        var call = try CallHarness(dialled: "103", contacts: ["alice": ["sip:alice@10.0.0.7"],
                                                             "bob": ["sip:bob@10.0.0.8", "sip:bob@10.0.0.9"]])
        let started = call.start()
        #expect(started.createdLegs.map(\.contact) == ["sip:alice@10.0.0.7", "sip:bob@10.0.0.8", "sip:bob@10.0.0.9"])
        let first = call.provisional(180, from: leg1)
        let second = call.provisional(180, from: leg2)
        let third = call.provisional(180, from: leg3)
        #expect(first.callerStatuses == [180])
        #expect(second.isEmpty && third.isEmpty, "the caller hears one 180")
        let answered = try call.answer(leg3, codecs: [.pcmu])
        #expect(answered.cancelled == [leg1: Q850Cause.completedElsewhere, leg2: Q850Cause.completedElsewhere])
        #expect(answered.callerStatuses == [200])
        // A loser answered before our CANCEL reached it: ACK, then BYE.
        let late = try call.answer(leg1, codecs: [.pcmu])
        #expect(late == [.ackLeg(leg1), .sendByeToLeg(leg1, reason: Q850Cause.completedElsewhere)])
        let loserDone = call.final(487, from: leg2)
        #expect(loserDone.isEmpty)
        #expect(call.machine.answeredLeg == leg3)
    }

    @Test func callerCancelWhileRingingCancelsEveryLeg() throws {
        var call = try CallHarness(dialled: "103", contacts: ["alice": ["sip:alice@10.0.0.7"], "bob": ["sip:bob@10.0.0.8"]])
        _ = call.start()
        _ = call.provisional(180, from: leg1)
        call.advance(.seconds(5))
        let cancel = call.record(call.machine.receiveCallerCancel(reason: nil, at: call.now))
        #expect(cancel.cancelled == [leg1: Q850Cause.reason(16), leg2: Q850Cause.reason(16)])
        #expect(cancel.callerStatuses == [487])
        let cdr = try #require(cancel.record)
        #expect(cdr.endedBy == .caller && cdr.status == 487 && cdr.answered == nil)
        #expect(cdr.summary == "alice:cancelled → bob:cancelled")
        let done1 = call.final(487, from: leg1)
        let done2 = call.final(487, from: leg2)
        #expect(done1.isEmpty && done2.isEmpty)
    }

    @Test func callerCancelRacingTheCalleesAnswer() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = call.provisional(180, from: leg1)
        _ = call.record(call.machine.receiveCallerCancel(reason: Q850Cause.reason(16), at: call.now))
        // Alice's 200 crossed our CANCEL.
        let late = try call.answer(leg1, codecs: [.pcmu])
        #expect(late == [.ackLeg(leg1), .sendByeToLeg(leg1, reason: Q850Cause.reason(16))])
        #expect(!call.log.callerStatuses.contains(200))
    }

    @Test func cancelAfterAnswerHasNoEffect() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        _ = try call.answer(leg1, codecs: [.pcmu])
        let ignored = call.machine.receiveCallerCancel(reason: nil, at: call.now)
        #expect(ignored.isEmpty)
        #expect(!call.machine.isEnded)
    }

    @Test func firstTrunk503ThenSecondTrunkAnswers() throws {
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        _ = call.start()
        let failover = call.final(503, from: leg1)
        #expect(failover.contains(.stopTimer(.ring(attempt: 0))))
        #expect(failover.createdLegs.map(\.target.target) == ["backup"])
        _ = try call.answer(leg2, codecs: [.pcma])
        let end = call.record(call.machine.receiveCallerBye(reason: nil, at: call.now))
        let cdr = try #require(end.record)
        #expect(cdr.summary == "carrier:503 → backup:200")
    }

    @Test func everyTrunkFailingGivesTheCallerTheBestResponse() throws {
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        _ = call.start()
        _ = call.record(call.machine.receiveLegFailure(.transport, from: leg1, at: call.now))
        let last = call.final(503, from: leg2)
        // RFC 3261 §16.7: a 503 is not passed on as such.
        let response = try #require(last.callerResponse(500))
        #expect(response.reason == Q850Cause.reason(41))
        let cdr = try #require(last.record)
        #expect(cdr.summary == "carrier:transport → backup:503")
    }

    @Test func earlyMediaIsAnchoredAndRelayed() throws {
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        let invite = try #require(call.start().createdLegs.first)
        let early = try CallHarness.answer(to: invite.offer, codecs: [.pcma], address: "198.51.100.9")
        let relayed = call.provisional(183, from: leg1, sdp: early)
        let response = try #require(relayed.callerResponse(183))
        #expect(response.sdp?.text.contains("c=IN IP4 \(CallHarness.gateway)") == true)
        let plan = try #require(relayed.mediaPlans.first)
        #expect(plan.isEarly && plan.callee.session.audio?.remoteAddress == "198.51.100.9")
        // The 200 repeats no SDP: the early session is the answer; the door's answer is unchanged.
        let answered = call.final(200, from: leg1)
        #expect(answered.callerResponse(200)?.sdp == response.sdp)
        #expect(answered.mediaPlans.first?.isEarly == false)
    }

    @Test func unreachableContactCountsAsOffline() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        let failover = call.record(call.machine.receiveLegFailure(.transport, from: leg1, at: call.now))
        #expect(failover.createdLegs.map(\.target.target) == ["carrier"], "a stale registration is offline: next_on has it")
    }

    @Test func unroutedCallIsRejectedWithoutLegs() throws {
        var call = try CallHarness(dialled: "999", contacts: alice)
        let started = call.start()
        #expect(started.createdLegs.isEmpty)
        #expect(started.callerStatuses.count == 1 && started.callerStatuses[0] >= 400)
        let cdr = try #require(started.record)
        #expect(cdr.endedBy == .gateway && cdr.legs.isEmpty)
    }

    @Test func softphone480CountsAsNoAnswer() throws {
        var call = try CallHarness(dialled: "101", contacts: alice)
        _ = call.start()
        let failover = call.final(480, from: leg1)
        #expect(failover.createdLegs.map(\.target.target) == ["carrier"])
        _ = try call.answer(leg2, codecs: [.pcma])
        let end = call.record(call.machine.receiveCallerBye(reason: nil, at: call.now))
        let cdr = try #require(end.record)
        #expect(cdr.summary == "alice:480 → carrier:200")
    }

    @Test func alertedTrunkFailingDoesNotRingTheDestinationTwice() throws {
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        _ = call.start()
        _ = call.provisional(180, from: leg1)
        let failed = call.final(503, from: leg1)
        #expect(failed.createdLegs.isEmpty, "the carrier alerted the destination: no second trunk")
        #expect(failed.callerStatuses == [500])
    }

    @Test func trunkOfferLeaksNoInternalAddress() throws {
        var call = try CallHarness(dialled: "101", offline: ["alice"], contacts: [:])
        let invite = try #require(call.start().createdLegs.first)
        #expect(!invite.offer.text.contains("192.168.10.2"))
        #expect(invite.offer.text.contains("m=audio 30004"))
    }
}
