import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPStack
import SIPTransport
import Testing

/// The stack's overload guard on real transactions: a new INVITE past a limit gets 503 with
/// Retry-After and Reason at once, no transaction and no TU callback; its retransmission gets the
/// same answer; its ACK is absorbed; in-dialog requests and other methods are untouched.
@Suite(.timeLimit(.minutes(1))) struct OverloadRejectionTests {
    static let onePending = SIPOverloadGuard.Limits(maxQueueDelay: nil, maxReceiveBacklog: nil, maxPendingInvites: 1, retryAfter: 9)

    @Test func inviteOverThePendingBoundGets503WithRetryAfter() async throws {
        let recorder = SIPStackTests.Recorder(answerInvite: false)
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user, uasOverload: Self.onePending)
        // The first INVITE is taken and left ringing (180, no final response).
        let ringing = uac.request(LoopbackLink.request(.invite), to: LoopbackLink.target)
        var iterator = ringing.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?.statusCode == 180)
        let event = await uac.finalResponse(to: LoopbackLink.request(.invite), at: LoopbackLink.target)
        #expect(event.statusCode == 503)
        if case .final(let response) = event {
            #expect(response.headers.firstValue(.retryAfter).map { String(decoding: $0, as: UTF8.self) } == "9")
            #expect(response.headers.firstValue(.reason).map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("Q.850;cause=42") == true)
            #expect(response.toTag != nil)
        }
        // Other methods are never refused for overload.
        #expect(await uac.finalResponse(to: LoopbackLink.request(.register), at: LoopbackLink.target).statusCode == 200)
        try await Task.sleep(for: .milliseconds(100))
        let counters = try await uas.counters()
        #expect(counters.overloadRejects == 1)
        #expect(counters.serverTransactions == 2)  // the ringing INVITE and the REGISTER
        #expect(recorder.requests.withLockedValue { $0 } == ["INVITE", "REGISTER"])
        #expect(recorder.acks.withLockedValue { $0 } == 0, "the 503's ACK is absorbed")
    }

    @Test func retransmittedRefusedInviteGetsTheSame503() async throws {
        let recorder = SIPStackTests.Recorder(answerInvite: false)
        // The first 503 is lost: the UAC retransmits the INVITE (Timer A) and must get a 503
        // again with the same To tag, although nothing is pending any more by then.
        let (uac, uas, _) = LoopbackLink.pair(
            uas: recorder.user, drop: LoopbackLink.dropFirst(1) { $0.statusCode == 503 }, uasOverload: Self.onePending)
        let ringing = uac.request(LoopbackLink.request(.invite), to: LoopbackLink.target)
        var iterator = ringing.makeAsyncIterator()
        #expect(await iterator.next()?.statusCode == 180)
        let event = await uac.finalResponse(to: LoopbackLink.request(.invite), at: LoopbackLink.target)
        #expect(event.statusCode == 503)
        let counters = try await uas.counters()
        #expect(counters.overloadRejects == 2)
        #expect(counters.overloadRejectsPendingInvites == 1)
        #expect(counters.overloadRejectedRetransmissions == 1)
        #expect(counters.serverTransactions == 1)
        #expect(recorder.requests.withLockedValue { $0 } == ["INVITE"])
    }

    @Test func delayedMessagesTurnTheGuardOn() async throws {
        let recorder = SIPStackTests.Recorder()
        // No sustain: the unit tests of SIPOverloadGuard cover it; here the wiring.
        let limits = SIPOverloadGuard.Limits(maxQueueDelay: .milliseconds(100), maxReceiveBacklog: nil, sustain: .zero)
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user, uasOverload: limits)
        // Unloaded: a call goes through.
        #expect(await uac.finalResponse(to: LoopbackLink.request(.invite), at: LoopbackLink.target).statusCode == 200)
        // Messages that waited half a second in a queue before the stack saw them.
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let source = try SocketAddress(ipAddress: "127.0.0.1", port: 5060)
        for index in 0..<40 {
            var options = LoopbackLink.request(.options, uri: "sip:127.0.0.1:5061")
            options.headers.prepend(.via, value: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKlate\(index)")
            let context = SIPMessageContext(source: source, transport: .udp, listener: nil, connection: nil, eventLoop: loop,
                                            receivedAt: .now() - .milliseconds(500))
            uas.receive(SIPInboundMessage(message: options, context: context))
        }
        #expect(await uac.finalResponse(to: LoopbackLink.request(.invite), at: LoopbackLink.target).statusCode == 503)
        let counters = try await uas.counters()
        #expect(counters.overloadRejects == 1)
        #expect(counters.overloadRejectsQueueDelay == 1)
        #expect(counters.overloadRejectsPendingInvites == 0)
    }
}
