import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

/// UDP over real loopback sockets on ephemeral ports.
@Suite struct UDPTransportTests {
    @Test func requestArrivesWithReceivedAndRportAndResponseReturnsToTheSourcePort() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let phone = try await RawUDPPeer.bind()
        // The phone believes it is 192.0.2.1:5999 (behind NAT); only received/rport reach it.
        try await phone.send(
            Messages.options(via: "SIP/2.0/UDP 192.0.2.1:5999;rport;branch=z9hG4bKnat1"),
            to: harness.listener(.udp).localAddress)
        let inbound = try await harness.inbound.next("inbound request")
        let via = try #require(try inbound.message.topVia)
        #expect(via.received == "127.0.0.1")
        #expect(via.rport == .port(UInt16(phone.port)))
        #expect(inbound.context.transport == .udp)
        #expect(inbound.context.connection == nil)
        #expect(inbound.context.listener == harness.listener(.udp))
        #expect(inbound.context.source.port == phone.port)
        #expect(try await harness.calledOnReceivingLoop.next() == true)

        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        let response = try await phone.receive()
        #expect(response.hasPrefix("SIP/2.0 200 OK\r\n"))
        #expect(response.contains("rport=\(phone.port)"))
        #expect(harness.manager.counters.messagesReceived == 1)
        #expect(harness.manager.counters.messagesSent == 1)
        await phone.close()
        await harness.stop()
    }

    @Test func loopbackIsReadFromTheAddressBytes() throws {
        for text in ["127.0.0.1", "127.1.2.3", "::1"] {
            #expect(SIPTransportManager.isLoopback(try SocketAddress(ipAddress: text, port: 5060)), "\(text)")
        }
        for text in ["192.0.2.1", "10.127.0.1", "0.0.0.0", "::", "::2", "2001:db8::1"] {
            #expect(!SIPTransportManager.isLoopback(try SocketAddress(ipAddress: text, port: 5060)), "\(text)")
        }
    }

    @Test func sendingOffLoopbackFromALoopbackListenerFailsAndTheListenerSurvives() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        // A trunk probe to a public address from a loopback-only gateway: the kernel would refuse
        // (EINVAL) and NIO would close the listener; the send fails before any write instead.
        let outside = try SocketAddress(ipAddress: "192.0.2.1", port: 5060)
        let request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKout"))
        await #expect(throws: SIPTransportError.self) {
            try await harness.manager.send(request, to: SIPTransportTarget(address: outside, transport: .udp))
        }
        let phone = try await RawUDPPeer.bind()
        try await phone.send(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(phone.port);rport;branch=z9hG4bKstill"),
                             to: harness.listener(.udp).localAddress)
        let inbound = try await harness.inbound.next("request after the failed send")
        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        #expect(try await phone.receive().hasPrefix("SIP/2.0 200 OK\r\n"))
        await phone.close()
        await harness.stop()
    }

    @Test func responseWithoutRportGoesToTheSentByPort() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let sender = try await RawUDPPeer.bind()
        let receiver = try await RawUDPPeer.bind()
        // §18.2.2: no rport, so the response goes to received (127.0.0.1) at the sent-by port,
        // which names the other socket.
        try await sender.send(
            Messages.options(via: "SIP/2.0/UDP 192.0.2.1:\(receiver.port);branch=z9hG4bKsentby"),
            to: harness.listener(.udp).localAddress)
        let inbound = try await harness.inbound.next("inbound request")
        #expect(try #require(try inbound.message.topVia).received == "127.0.0.1")
        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 202), for: inbound.context)
        #expect(try await receiver.receive().hasPrefix("SIP/2.0 202 Accepted\r\n"))
        #expect(sender.collector.datagrams.count == 0)
        await sender.close()
        await receiver.close()
        await harness.stop()
    }

    @Test func malformedDatagramIsAnswered400AndTheListenerKeepsWorking() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let phone = try await RawUDPPeer.bind()
        let server = harness.listener(.udp).localAddress
        let bad = Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bKbad")
            .replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: lots")
        try await phone.send(bad, to: server)
        let answer = try await phone.receive()
        #expect(answer.hasPrefix("SIP/2.0 400 "))
        #expect(answer.contains("z9hG4bKbad"))
        // Garbage that cannot be answered, and a keep-alive: dropped and counted.
        try await phone.send("\u{7}\u{0}garbage", to: server)
        try await phone.send("\r\n\r\n", to: server)
        // The listener still takes good requests.
        try await phone.send(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bKgood"), to: server)
        let inbound = try await harness.inbound.next("good request")
        #expect(inbound.message.topViaBranch == "z9hG4bKgood")
        let counters = harness.manager.counters
        #expect(counters.parseErrors == 2)
        #expect(counters.errorResponsesSent == 1)
        #expect(counters.malformedDropped == 1)
        #expect(counters.keepAliveDatagrams == 1)
        await phone.close()
        await harness.stop()
    }

    @Test func largeDatagramArrivesWhole() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let phone = try await RawUDPPeer.bind()
        let body = String(repeating: "a=x-filler:0123456789abcdef0123456789abcdef\r\n", count: 200)
        try await phone.send(
            Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bKlarge", body: body),
            to: harness.listener(.udp).localAddress)
        let inbound = try await harness.inbound.next("large datagram")
        #expect(inbound.message.body.count == body.utf8.count)
        #expect(inbound.message.body.count > 8_000)
        await phone.close()
        await harness.stop()
    }

    @Test func sendsRequestsFromTheListeningPort() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let trunk = try await RawUDPPeer.bind()
        let request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(harness.listener(.udp).port);branch=z9hG4bKout"))
        try await harness.manager.send(request, to: SIPTransportTarget(host: "127.0.0.1", port: trunk.port, transport: .udp))
        let envelope = try await trunk.collector.datagrams.next("request at trunk")
        #expect(envelope.remoteAddress.port == harness.listener(.udp).port)
        #expect(String(buffer: envelope.data).hasPrefix("OPTIONS sip:gatehouse@127.0.0.1 SIP/2.0\r\n"))
        await trunk.close()
        await harness.stop()
    }

    @Test func responseToADomainNameIsLeftToTheResolver() async throws {
        let harness = try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)]))
        let request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP phone.example.com:5070;branch=z9hG4bKname"))
        let context = SIPMessageContext(
            source: try SocketAddress(ipAddress: "127.0.0.1", port: 5070), transport: .udp,
            listener: harness.listener(.udp), connection: nil, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        await #expect(throws: SIPTransportError.targetNeedsResolution(host: "phone.example.com", port: 5070, transport: .udp)) {
            try await harness.manager.sendResponse(request.makeResponse(status: 200), for: context)
        }
        await harness.stop()
    }
}
