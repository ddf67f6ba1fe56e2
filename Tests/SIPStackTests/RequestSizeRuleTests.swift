import NIOConcurrencyHelpers
import SIPCore
import SIPStack
import SIPTransport
import Testing

/// RFC 3261 §18.1.1 in the stack: a request too large for UDP goes over TCP, and back to UDP
/// when TCP is refused.
@Suite(.timeLimit(.minutes(1))) struct RequestSizeRuleTests {
    /// A MESSAGE with a body that takes it past the 1300-byte unknown-MTU threshold.
    static func largeRequest() -> SIPMessage {
        var request = LoopbackLink.request(.message)
        request.setBody(Array(repeating: UInt8(ascii: "x"), count: 1_400), contentType: "text/plain")
        return request
    }

    func send(_ request: SIPMessage, tcp: Bool, refuseTCP: Bool = false) async -> (Int, [SIPTransportProtocol], String?) {
        let seenVia = NIOLockedValueBox<String?>(nil)
        let user = SIPTransactionUser(request: { transaction in
            seenVia.withLockedValue { $0 = transaction.request.headers[.via] }
            try? transaction.respond(status: 200)
        })
        let (uac, uas, link) = LoopbackLink.pair(uas: user, tcp: tcp)
        link.refusesTCP.withLockedValue { $0 = refuseTCP }
        let event = await uac.finalResponse(to: request, at: LoopbackLink.target)
        _ = uas
        return (event.statusCode, link.requestTransports.withLockedValue { $0 }, seenVia.withLockedValue { $0 })
    }

    @Test func aLargeRequestMovesToTCPWithItsViaSayingSo() async {
        let (status, transports, via) = await send(Self.largeRequest(), tcp: true)
        #expect(status == 200)
        #expect(transports == [.tcp])
        #expect(via?.hasPrefix("SIP/2.0/TCP ") == true)
    }

    @Test func aRefusedTCPConnectionFallsBackToUDP() async {
        let (status, transports, via) = await send(Self.largeRequest(), tcp: true, refuseTCP: true)
        #expect(status == 200)
        #expect(transports == [.tcp, .udp])
        #expect(via?.hasPrefix("SIP/2.0/UDP ") == true)
    }

    @Test func aSmallRequestStaysOnUDP() async {
        let (status, transports, _) = await send(LoopbackLink.request(.message), tcp: true)
        #expect(status == 200)
        #expect(transports == [.udp])
    }

    @Test func withoutATCPListenerALargeRequestStaysOnUDP() async {
        let (status, transports, _) = await send(Self.largeRequest(), tcp: false)
        #expect(status == 200)
        #expect(transports == [.udp])
    }
}
