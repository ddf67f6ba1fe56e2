import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SIPCore
import SIPStack
import SIPTransaction
import SIPTransport
import Testing

/// The per-source transaction limit (SIPSourceLimit) on real transactions over the loopback link:
/// past it a new request gets 503 + Retry-After with no transaction and no TU callback, CANCEL is
/// never refused, a transaction gives its slot back at its final response (an INVITE's non-2xx
/// when it ends),
/// and other sources and exempt ones are not refused.
@Suite(.timeLimit(.minutes(1))) struct SourceLimitTests {
    /// A UAC stack and a UAS stack whose source limit is `limit`.
    static func pair(uas user: SIPTransactionUser, limit: SIPSourceLimit) -> (uac: SIPStack, uas: SIPStack) {
        let link = LoopbackLink(group: MultiThreadedEventLoopGroup.singleton)
        let t1 = Duration.milliseconds(40)
        let timers = TransactionTimers(t1: t1, t2: t1 * 8, t4: t1 * 10, timerDUnreliable: t1 * 64)
        func configuration(_ port: Int) -> SIPStackConfiguration {
            SIPStackConfiguration(sentBy: [.udp: "127.0.0.1:\(port)"], timers: timers, localHosts: ["127.0.0.1"])
        }
        let uac = SIPStack(group: link.group, configuration: configuration(5060), user: SIPTransactionUser(request: { _ in })) { _ in
            LoopbackLink.End(link: link, side: 0)
        }
        var uasConfiguration = configuration(5061)
        uasConfiguration.sourceLimit = limit
        uasConfiguration.overload.retryAfter = 7
        let uas = SIPStack(group: link.group, configuration: uasConfiguration, user: user) { _ in LoopbackLink.End(link: link, side: 1) }
        link.stacks.withLockedValue { $0 = [uac, uas] }
        return (uac, uas)
    }

    static let uacSource = try! SocketAddress(ipAddress: "127.0.0.1", port: 5060)

    @Test func requestsPastTheLimitGet503AndCancelIsNeverRefused() async throws {
        let recorder = SIPStackTests.Recorder(answerInvite: false)
        let limit = SIPSourceLimit(maxTransactions: 2)
        let (uac, uas) = Self.pair(uas: recorder.user, limit: limit)
        // Two INVITEs left ringing hold both slots.
        var ids: [SIPClientTransactionID] = []
        var streams: [AsyncStream<SIPClientEvent>.AsyncIterator] = []
        for _ in 0..<2 {
            let invite = LoopbackLink.request(.invite)
            let id = NIOLockedValueBox<SIPClientTransactionID?>(nil)
            let (stream, continuation) = AsyncStream<SIPClientEvent>.makeStream()
            id.withLockedValue { $0 = uac.sendRequest(invite, to: LoopbackLink.target) { continuation.yield($0) } }
            var iterator = stream.makeAsyncIterator()
            #expect(await iterator.next()?.statusCode == 180)
            ids.append(try #require(id.withLockedValue { $0 }))
            streams.append(iterator)
        }
        #expect(limit.liveTransactions(from: Self.uacSource) == 2)
        let refused = await uac.finalResponse(to: LoopbackLink.request(.invite), at: LoopbackLink.target)
        #expect(refused.statusCode == 503)
        if case .final(let response) = refused {
            #expect(response.headers.firstValue(.retryAfter).map { String(decoding: $0, as: UTF8.self) } == "7")
        }
        #expect(await uac.finalResponse(to: LoopbackLink.request(.register), at: LoopbackLink.target).statusCode == 503)
        // CANCEL is taken at the limit; the cancelled INVITE ends (487, ACK) and frees its slot.
        uac.cancel(ids[0])
        var first = streams[0]
        var final: Int?
        while final == nil, let event = await first.next() { if event.isFinal { final = event.statusCode } }
        #expect(final == 487)
        // Its slot comes back when the transaction ends (ACK, then Timer I: T4 = 400 ms here).
        let deadline = ContinuousClock.now + .seconds(5)
        while limit.liveTransactions(from: Self.uacSource) > 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(limit.liveTransactions(from: Self.uacSource) == 1)
        #expect(await uac.finalResponse(to: LoopbackLink.request(.register), at: LoopbackLink.target).statusCode == 200)
        #expect(recorder.requests.withLockedValue { $0 } == ["INVITE", "INVITE", "REGISTER"])
        let counters = try await uas.counters()
        #expect(counters.sourceLimitRejects == 2)
        #expect(recorder.acks.withLockedValue { $0 } == 0, "the 503's ACK is absorbed")
    }

    @Test func answeredNonInviteGivesItsSlotBackAtOnce() async throws {
        let recorder = SIPStackTests.Recorder()
        let limit = SIPSourceLimit(maxTransactions: 1)
        let (uac, _) = Self.pair(uas: recorder.user, limit: limit)
        // Each REGISTER stays in Completed (Timer J) after its 200 but no longer counts.
        for _ in 0..<3 {
            #expect(await uac.finalResponse(to: LoopbackLink.request(.register), at: LoopbackLink.target).statusCode == 200)
        }
        #expect(limit.liveTransactions(from: Self.uacSource) == 0)
        #expect(recorder.requests.withLockedValue { $0 }.count == 3)
    }

    @Test func answeredCallsGiveTheirSlotBackAtTheirSuccess() async throws {
        let recorder = SIPStackTests.Recorder()
        let limit = SIPSourceLimit(maxTransactions: 1)
        let (uac, _) = Self.pair(uas: recorder.user, limit: limit)
        // The 2xx'd INVITE stays (RFC 6026 Accepted, Timer L) but no longer counts.
        for _ in 0..<2 {
            #expect(await SIPStackTests().call(uac, LoopbackLink.request(.invite)).last == 200)
        }
        #expect(limit.liveTransactions(from: Self.uacSource) == 0)
    }

    @Test func otherSourcesAndExemptSourcesAreNotRefused() async throws {
        let recorder = SIPStackTests.Recorder(answerInvite: false)
        let exempted = NIOLockedValueBox(0)
        let limit = SIPSourceLimit(maxTransactions: 1) { address in
            exempted.withLockedValue { $0 += 1 }
            return address.ipAddress == "192.0.2.7"
        }
        let (uac, uas) = Self.pair(uas: recorder.user, limit: limit)
        var ringing = uac.request(LoopbackLink.request(.invite), to: LoopbackLink.target).makeAsyncIterator()
        #expect(await ringing.next()?.statusCode == 180)
        #expect(await uac.finalResponse(to: LoopbackLink.request(.invite), at: LoopbackLink.target).statusCode == 503)
        // INVITEs from another address, and two from an exempt one, reach the TU.
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        for (index, host) in ["198.51.100.1", "192.0.2.7", "192.0.2.7"].enumerated() {
            var invite = LoopbackLink.request(.invite)
            invite.headers.prepend(.via, value: "SIP/2.0/UDP \(host):5060;branch=z9hG4bKother\(index)")
            let context = SIPMessageContext(source: try SocketAddress(ipAddress: host, port: 5060), transport: .udp,
                                            listener: nil, connection: nil, eventLoop: loop)
            uas.receive(SIPInboundMessage(message: invite, context: context))
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(recorder.requests.withLockedValue { $0 } == ["INVITE", "INVITE", "INVITE", "INVITE"])
        #expect(limit.liveTransactions(from: try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == 2)
        #expect(exempted.withLockedValue { $0 } == 2, "asked only at the limit: the refused INVITE and the second exempt one")
        #expect(try await uas.counters().sourceLimitRejects == 1)
    }
}
