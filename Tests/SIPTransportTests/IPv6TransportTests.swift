import NIOCore
import SIPCore
import Testing

@testable import SIPTransport

/// IPv6 loopback, next to IPv4 listeners on the same manager.
@Suite(.enabled(if: ipv6LoopbackAvailable, "::1 is not configured on this machine"))
struct IPv6TransportTests {
    private func start() async throws -> Harness {
        try await Harness.start(SIPTransportConfiguration(listeners: [
            .init(transport: .udp, host: "127.0.0.1", port: 0),
            .init(transport: .udp, host: "::1", port: 0),
            .init(transport: .tcp, host: "::1", port: 0),
        ]))
    }

    @Test func udpOverIPv6StampsAndAnswers() async throws {
        let harness = try await start()
        #expect(harness.listeners.count == 3)
        let phone = try await RawUDPPeer.bind(host: "::1")
        try await phone.send(
            Messages.options(via: "SIP/2.0/UDP [2001:db8::1]:5060;rport;branch=z9hG4bKv6"),
            to: harness.listener(.udp, ipv6: true).localAddress)
        let inbound = try await harness.inbound.next("IPv6 request")
        let via = try #require(try inbound.message.topVia)
        #expect(via.received == "::1")
        #expect(via.rport == .port(UInt16(phone.port)))
        #expect(inbound.context.listener == harness.listener(.udp, ipv6: true))
        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        let response = try await phone.collector.datagrams.next("IPv6 response")
        // Sent from the IPv6 listener, not the IPv4 one.
        #expect(response.remoteAddress.port == harness.listener(.udp, ipv6: true).port)
        #expect(String(buffer: response.data).hasPrefix("SIP/2.0 200 OK"))
        await phone.close()
        await harness.stop()
    }

    @Test func tcpOverIPv6() async throws {
        let harness = try await start()
        let phone = try await RawTCPPeer.connect(to: harness.listener(.tcp, ipv6: true).localAddress)
        try await phone.write(Messages.options(via: "SIP/2.0/TCP [::1];branch=z9hG4bKv6tcp"))
        let inbound = try await harness.inbound.next("IPv6 TCP request")
        #expect(try #require(try inbound.message.topVia).received == nil)
        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        #expect(try await phone.readMessage().hasPrefix("SIP/2.0 200 OK"))
        await phone.close()
        await harness.stop()
    }
}
