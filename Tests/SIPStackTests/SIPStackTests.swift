import NIOConcurrencyHelpers
import NIOCore
import SIPCore
import SIPStack
import SIPTransaction
import SIPTransport
import Testing

/// Conversations between two stacks over the in-memory link, with loss.
@Suite(.timeLimit(.minutes(1))) struct SIPStackTests {
    /// A UAS that answers INVITE 180 + 200 and everything else 200, recording what it saw.
    final class Recorder: Sendable {
        let requests = NIOLockedValueBox([String]())
        let acks = NIOLockedValueBox(0)
        let answerInvite: Bool

        init(answerInvite: Bool = true) { self.answerInvite = answerInvite }

        var user: SIPTransactionUser {
            SIPTransactionUser(
                request: { [self] transaction in
                    let method = transaction.request.method?.rawValue ?? "?"
                    requests.withLockedValue { $0.append(method) }
                    if transaction.request.method == .invite {
                        let tag = SIPMessage.makeTag()
                        try? transaction.respond(status: 180, toTag: tag)
                        if answerInvite { try? transaction.respond(status: 200, toTag: tag, headers: [(.contact, "<sip:uas@127.0.0.1:5061>")]) }
                    } else {
                        try? transaction.respond(status: 200)
                    }
                },
                ack: { [self] _ in acks.withLockedValue { $0 += 1 } })
        }
    }

    /// Sends an INVITE, ACKs every 2xx, returns the status codes seen.
    func call(_ stack: SIPStack, _ invite: SIPMessage) async -> [Int] {
        let seen = NIOLockedValueBox([Int]())
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = NIOLockedValueBox(false)
            stack.sendRequest(invite, to: LoopbackLink.target) { event in
                seen.withLockedValue { $0.append(event.statusCode) }
                if case .final(let response) = event, event.statusCode < 300 {
                    stack.sendAck(for: invite, response: response, to: LoopbackLink.target).whenFailure { _ in }
                }
                let first = event.isFinal && done.withLockedValue { value in defer { value = true }; return !value }
                if first { continuation.resume() }
            }
        }
        return seen.withLockedValue { $0 }
    }

    func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test func inviteIsAnsweredAndTheAckForTheTwoHundredReachesTheUAS() async throws {
        let recorder = Recorder()
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user)
        let codes = await call(uac, LoopbackLink.request(.invite))
        // The TU answers at once, so no 100 (Trying) goes out (tryingDelay, §17.2.1).
        #expect(codes == [180, 200])
        #expect(try await eventually { recorder.acks.withLockedValue { $0 } == 1 })
        #expect(recorder.requests.withLockedValue { $0 } == ["INVITE"])
        _ = uas
    }

    @Test func lostTwoHundredIsRetransmittedByTheUASUntilTheAck() async throws {
        let recorder = Recorder()
        let (uac, uas, link) = LoopbackLink.pair(uas: recorder.user, drop: LoopbackLink.dropFirst(2) {
            $0.statusCode == 200
        })
        let codes = await call(uac, LoopbackLink.request(.invite))
        #expect(codes.last == 200)
        #expect(link.dropped.withLockedValue { $0 } == 2)
        let counters = try await uas.counters()
        #expect(counters.successRetransmissions >= 2)
        #expect(try await eventually { recorder.acks.withLockedValue { $0 } == 1 })
    }

    @Test func lostRequestIsRetransmittedAndTheDuplicateIsAbsorbed() async throws {
        let recorder = Recorder()
        // The first 200 to REGISTER is lost: the UAC retransmits (Timer E), the UAS transaction
        // answers the retransmission from its stored response; the TU sees one request.
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user, drop: LoopbackLink.dropFirst(1) {
            $0.statusCode == 200
        })
        let outcome = await uac.finalResponse(to: LoopbackLink.request(.register, uri: "sip:127.0.0.1:5061"), at: LoopbackLink.target)
        #expect(outcome.statusCode == 200)
        #expect(recorder.requests.withLockedValue { $0 } == ["REGISTER"])
        #expect(try await uas.counters().absorbedRetransmissions >= 1)
    }

    @Test func cancelGetsTwoHundredAndTheInviteFourEightySeven() async throws {
        let recorder = Recorder(answerInvite: false)
        let (uac, _, _) = LoopbackLink.pair(uas: recorder.user)
        let invite = LoopbackLink.request(.invite)
        let cancelOutcome = NIOLockedValueBox([Int]())
        let inviteFinal: Int = await withCheckedContinuation { continuation in
            // The 180 may come back before sendRequest has returned the id (a loaded machine):
            // the CANCEL goes out once both are known, exactly once.
            let state = NIOLockedValueBox<(id: SIPClientTransactionID?, ringing: Bool, cancelled: Bool)>((nil, false, false))
            @Sendable func cancelWhenReady() {
                let pending = state.withLockedValue { value -> SIPClientTransactionID? in
                    guard value.ringing, !value.cancelled, let id = value.id else { return nil }
                    value.cancelled = true
                    return id
                }
                if let pending {
                    uac.cancel(pending) { cancelEvent in cancelOutcome.withLockedValue { $0.append(cancelEvent.statusCode) } }
                }
            }
            let transaction = uac.sendRequest(invite, to: LoopbackLink.target) { event in
                if case .provisional(let response) = event, response.statusCode == 180 {
                    state.withLockedValue { $0.ringing = true }
                    cancelWhenReady()
                }
                if event.isFinal { continuation.resume(returning: event.statusCode) }
            }
            state.withLockedValue { $0.id = transaction }
            cancelWhenReady()
        }
        #expect(inviteFinal == 487)
        #expect(try await eventually { cancelOutcome.withLockedValue { $0 } == [200] })
    }

    @Test func cancelMatchingNothingGetsFourEightyOne() async throws {
        let (uac, _, _) = LoopbackLink.pair(uas: Recorder().user)
        var cancel = LoopbackLink.request(.cancel)
        cancel.headers.set(.cseq, value: "1 CANCEL")
        let outcome = await uac.finalResponse(to: cancel, at: LoopbackLink.target)
        #expect(outcome.statusCode == 481)
    }

    @Test func optionsToTheGatewayIsAnsweredStatelessly() async throws {
        let recorder = Recorder()
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user)
        let outcome = await uac.finalResponse(to: LoopbackLink.request(.options, uri: "sip:127.0.0.1:5061"), at: LoopbackLink.target)
        guard case .final(let response) = outcome else {
            Issue.record("no final response: \(outcome)")
            return
        }
        #expect(response.statusCode == 200)
        #expect(response.headers[.allow]?.contains("INVITE") == true)
        #expect(recorder.requests.withLockedValue { $0 }.isEmpty)
        #expect(try await uas.counters().statelessOptions == 1)
        // An OPTIONS to a user is the TU's.
        _ = await uac.finalResponse(to: LoopbackLink.request(.options, uri: "sip:bob@127.0.0.1:5061"), at: LoopbackLink.target)
        #expect(recorder.requests.withLockedValue { $0 } == ["OPTIONS"])
    }

    @Test func unansweredRequestTimesOutAsFourOhEight() async throws {
        let (uac, _, link) = LoopbackLink.pair(t1: .milliseconds(10), uas: Recorder().user, drop: { $0.isRequest })
        let outcome = await uac.finalResponse(to: LoopbackLink.request(.register), at: LoopbackLink.target)
        guard case .timeout = outcome else {
            Issue.record("expected a timeout, got \(outcome)")
            return
        }
        #expect(outcome.statusCode == 408)
        // Timer E: 10, 20, 40, 80, 80, … ms over 640 ms: the first send and several retransmissions.
        #expect(link.dropped.withLockedValue { $0 } >= 8)
    }

    @Test func failoverSkipsADeadTargetAndStopsAtTheFirstAnswer() async throws {
        let recorder = Recorder()
        let (uac, _, _) = LoopbackLink.pair(uas: recorder.user)
        let targets = [
            ResolvedTarget(address: "127.0.0.1", port: LoopbackLink.End.deadPort, transport: .udp),
            ResolvedTarget(address: "127.0.0.1", port: 5061, transport: .udp),
            ResolvedTarget(address: "127.0.0.1", port: 5062, transport: .udp),
        ]
        let (event, target) = await uac.finalResponse(
            to: LoopbackLink.request(.register, uri: "sip:127.0.0.1"), trying: targets)
        #expect(event.statusCode == 200)
        #expect(target?.port == 5061)
        #expect(recorder.requests.withLockedValue { $0 } == ["REGISTER"])
    }

    @Test func failoverPolicyFollowsRFC3263() throws {
        let request = LoopbackLink.request(.register)
        let unavailable = request.makeResponse(status: 503)
        let busy = request.makeResponse(status: 486)
        #expect(FailoverPolicy.shouldTryNext(after: .timeout))
        #expect(FailoverPolicy.shouldTryNext(after: .transportError))
        #expect(FailoverPolicy.shouldTryNext(after: .final(unavailable)))
        #expect(!FailoverPolicy.shouldTryNext(after: .final(busy)))
    }

    @Test func slowTransactionUserGetsATryingSentForIt() async throws {
        let (uac, _, _) = LoopbackLink.pair(uas: SIPTransactionUser(request: { _ in }))
        let first: Int = await withCheckedContinuation { continuation in
            let done = NIOLockedValueBox(false)
            uac.sendRequest(LoopbackLink.request(.invite), to: LoopbackLink.target) { event in
                guard !done.withLockedValue({ value in defer { value = true }; return value }) else { return }
                continuation.resume(returning: event.statusCode)
            }
        }
        #expect(first == 100)
    }
}
