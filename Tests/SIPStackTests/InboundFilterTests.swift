import NIOConcurrencyHelpers
import SIPCore
import SIPStack
import SIPTransport
import Testing

/// The inbound filter hook (toll-fraud defences): runs before transaction matching; a drop sends
/// nothing and creates no transaction, a reject answers statelessly.
@Suite(.timeLimit(.minutes(1))) struct InboundFilterTests {
    /// Drops requests whose User-Agent says "scanner", rejects "flood" with 503, accepts the rest.
    static let filter: SIPInboundFilter = { request, _ in
        let agent = request.headers.firstValue(.userAgent).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if agent.contains("scanner") { return .drop }
        if agent.contains("flood") { return .reject(status: 503, reason: "Slow Down") }
        return .accept
    }

    func request(_ method: SIPMethod, agent: String) -> SIPMessage {
        var request = LoopbackLink.request(method)
        request.headers.append(.userAgent, value: agent)
        return request
    }

    @Test(arguments: [SIPMethod.options, .invite, .register])
    func droppedRequestGetsNoResponseAndNoTransaction(method: SIPMethod) async throws {
        let recorder = SIPStackTests.Recorder()
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user, uasFilter: Self.filter)
        let event = await uac.finalResponse(to: request(method, agent: "friendly-scanner"), at: LoopbackLink.target)
        #expect(event.statusCode == 408)
        let counters = try await uas.counters()
        #expect(counters.serverTransactions == 0)
        #expect(counters.statelessOptions == 0)
        #expect(counters.filteredDrops >= 2)  // the request and its retransmissions
        #expect(counters.filteredRejects == 0)
        #expect(recorder.requests.withLockedValue { $0 }.isEmpty)
    }

    @Test(arguments: [SIPMethod.options, .invite, .register])
    func rejectedRequestGetsTheStatusStatelessly(method: SIPMethod) async throws {
        let recorder = SIPStackTests.Recorder()
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user, uasFilter: Self.filter)
        let event = await uac.finalResponse(to: request(method, agent: "flood"), at: LoopbackLink.target)
        #expect(event.statusCode == 503)
        if case .final(let response) = event { #expect(response.statusLine?.reason == "Slow Down") }
        try await Task.sleep(for: .milliseconds(100))
        let counters = try await uas.counters()
        #expect(counters.serverTransactions == 0)
        #expect(counters.filteredRejects == 1)
        // The INVITE's ACK is absorbed, never handed to the TU as a stray ACK.
        #expect(counters.filteredDrops == (method == .invite ? 1 : 0))
        #expect(recorder.requests.withLockedValue { $0 }.isEmpty)
        #expect(recorder.acks.withLockedValue { $0 } == 0)
    }

    @Test func acceptedRequestsStillWork() async throws {
        let recorder = SIPStackTests.Recorder()
        let (uac, uas, _) = LoopbackLink.pair(uas: recorder.user, uasFilter: Self.filter)
        let event = await uac.finalResponse(to: request(.register, agent: "Linphone"), at: LoopbackLink.target)
        #expect(event.statusCode == 200)
        #expect(try await uas.counters().filteredDrops == 0)
        #expect(recorder.requests.withLockedValue { $0 } == ["REGISTER"])
    }
}
