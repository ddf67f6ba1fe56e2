import NIOCore
import SIPCore
import Testing

@testable import SIPTransport

/// TCP over real loopback sockets: framing, keep-alives, connection reuse, bad peers.
@Suite struct TCPTransportTests {
    private func startTCP(idleTimeout: TimeAmount = .seconds(30)) async throws -> Harness {
        try await Harness.start(SIPTransportConfiguration(
            listeners: [.init(transport: .tcp, host: "127.0.0.1", port: 0)], idleTimeout: idleTimeout))
    }

    @Test func framesMessagesSplitAcrossWritesAndJoinedInOne() async throws {
        let harness = try await startTCP()
        let phone = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        let body = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"
        let first = Messages.options(via: "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKs1", cseq: 1, body: body)
        let second = Messages.options(via: "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKs2", cseq: 2)
        let third = Messages.options(via: "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKs3", cseq: 3)
        let bytes = Array(first.utf8)
        // Split inside the start line, inside a header, and inside the body.
        for range in [0..<5, 5..<60, 60..<(bytes.count - 10), (bytes.count - 10)..<bytes.count] {
            try await phone.write(bytes: Array(bytes[range]))
            try await Task.sleep(for: .milliseconds(20))
        }
        try await phone.write(second + third)
        var branches: [String?] = []
        for _ in 0..<3 { branches.append(try await harness.inbound.next("framed message").message.topViaBranch) }
        #expect(branches == ["z9hG4bKs1", "z9hG4bKs2", "z9hG4bKs3"])
        await phone.close()
        await harness.stop()
    }

    @Test func answersCRLFPingWithPong() async throws {
        let harness = try await startTCP()
        let phone = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        try await phone.write("\r\n\r\n")
        #expect(try await phone.read(until: { $0 == "\r\n" }) == "\r\n")
        #expect(harness.manager.counters.keepAlivePingsAnswered == 1)
        await phone.close()
        await harness.stop()
    }

    @Test func sendsKeepAlivePingsOnItsConnections() async throws {
        let server = try await startTCP()
        let client = try await Harness.start(SIPTransportConfiguration(listeners: []))
        let target = SIPTransportTarget(address: server.listener(.tcp).localAddress, transport: .tcp)
        try await client.manager.send(try Messages.parse(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKka")), to: target)
        _ = try await server.inbound.next("request")
        let connection = try #require(client.manager.connection(for: SIPConnectionKey(remote: target.address, transport: .tcp)))
        try await client.manager.sendKeepAlivePing(on: connection).get()
        for _ in 0..<200 where server.manager.counters.keepAlivePingsAnswered == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.manager.counters.keepAlivePingsAnswered == 1)
        await #expect(throws: SIPTransportError.connectionClosed(SIPConnectionID(rawValue: 999))) {
            try await client.manager.sendKeepAlivePing(on: SIPConnectionID(rawValue: 999)).get()
        }
        await client.stop()
        await server.stop()
    }

    @Test func responsesAndNewRequestsReuseTheConnectionThePeerOpened() async throws {
        let harness = try await startTCP()
        let phone = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        try await phone.write(Messages.options(via: "SIP/2.0/TCP 10.0.0.9:5060;rport;branch=z9hG4bKreg"))
        let inbound = try await harness.inbound.next("request")
        let via = try #require(try inbound.message.topVia)
        #expect(via.received == "127.0.0.1")
        #expect(via.rport == .port(UInt16(phone.localAddress.port!)))
        let connection = try #require(inbound.context.connection)
        #expect(harness.manager.connection(for: try #require(inbound.context.connectionKey)) == connection)

        // The response goes back on the same connection (sent-by 10.0.0.9:5060 is unreachable).
        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        #expect(try await phone.readMessage().hasPrefix("SIP/2.0 200 OK\r\n"))

        // A request to the phone's address (as registered: source address and port) reuses it.
        let request = try Messages.parse(Messages.options(
            via: "SIP/2.0/TCP 127.0.0.1:\(harness.listener(.tcp).port);branch=z9hG4bKtophone", uri: "sip:phone@127.0.0.1"))
        try await harness.manager.send(request, to: SIPTransportTarget(address: inbound.context.source, transport: .tcp))
        #expect(try await phone.readMessage().hasPrefix("OPTIONS sip:phone@127.0.0.1 SIP/2.0\r\n"))
        #expect(harness.manager.connectionCount == 1)
        #expect(harness.manager.counters.connectionsOpened == 0)
        await phone.close()
        await harness.stop()
    }

    /// RFC 3261 §18.2.2: when the request's connection has closed, the response opens a new
    /// connection to `received` at the sent-by port.
    @Test func responseOpensANewConnectionWhenTheRequestConnectionIsGone() async throws {
        let server = try await startTCP()
        let client = try await startTCP()
        let phone = try await RawTCPPeer.connect(to: server.listener(.tcp).localAddress)
        try await phone.write(Messages.options(via: "SIP/2.0/TCP 10.0.0.9:\(client.listener(.tcp).port);branch=z9hG4bKgone"))
        let inbound = try await server.inbound.next("request")
        await phone.close()
        for _ in 0..<100 where server.manager.connectionCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.manager.connectionCount == 0)

        try await server.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        let response = try await client.inbound.next("response over a new connection")
        #expect(response.message.statusCode == 200)
        #expect(response.message.topViaBranch == "z9hG4bKgone")
        #expect(server.manager.counters.connectionsOpened == 1)
        await client.stop()
        await server.stop()
    }

    @Test func garbageSendingPeerIsDisconnectedWhileAnotherKeepsWorking() async throws {
        let harness = try await startTCP()
        let good = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        let bad = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        try await good.write(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKg1"))
        _ = try await harness.inbound.next("first good request")

        try await bad.write(bytes: [0x00, 0x01, 0xFF] + Array("NOT SIP AT ALL\r\n\r\n".utf8))
        #expect(await bad.collector.bytes.waitUntilClosed())

        try await good.write(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKg2"))
        let inbound = try await harness.inbound.next("second good request")
        #expect(inbound.message.topViaBranch == "z9hG4bKg2")
        try await harness.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        #expect(try await good.readMessage().hasPrefix("SIP/2.0 200 OK"))
        #expect(harness.manager.counters.connectionsClosedForErrors == 1)
        await good.close()
        await harness.stop()
    }

    @Test func peerExceedingTheMessageSizeLimitIsDisconnected() async throws {
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .tcp, host: "127.0.0.1", port: 0)])
        configuration.streamLimits.maxMessageSize = 4_096
        let harness = try await Harness.start(configuration)
        let peer = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        let huge = "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKhuge\r\nCSeq: 1 OPTIONS\r\n"
            + "X-Filler: " + String(repeating: "a", count: 3_000) + "\r\n"
            + "X-Filler: " + String(repeating: "b", count: 3_000) + "\r\n"
        try await peer.write(huge)
        #expect(await peer.collector.bytes.waitUntilClosed())
        #expect(harness.manager.counters.connectionsClosedForErrors == 1)
        await harness.stop()
    }

    @Test func opensConnectionsOnDemandAndReusesThem() async throws {
        let server = try await startTCP()
        let client = try await Harness.start(SIPTransportConfiguration(listeners: []))
        let target = SIPTransportTarget(address: server.listener(.tcp).localAddress, transport: .tcp)
        for index in 1...3 {
            let request = try Messages.parse(Messages.options(via: "SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKod\(index)", cseq: index))
            try await client.manager.send(request, to: target)
        }
        var last: SIPInboundMessage?
        for index in 1...3 {
            last = try await server.inbound.next("request \(index)")
            #expect(last?.message.cseqNumber == UInt32(index))
        }
        #expect(client.manager.counters.connectionsOpened == 1)
        #expect(server.manager.counters.connectionsAccepted == 1)

        // The server answers on the client's connection; the client receives the response.
        let request = try #require(last)
        try await server.manager.sendResponse(request.message.makeResponse(status: 200), for: request.context)
        let response = try await client.inbound.next("response at client")
        #expect(response.message.statusCode == 200)
        #expect(response.context.listener == nil)
        #expect(response.context.connection != nil)
        await client.stop()
        await server.stop()
    }

    @Test func concurrentSendsShareOneNewConnection() async throws {
        let server = try await startTCP()
        let client = try await Harness.start(SIPTransportConfiguration(listeners: []))
        let target = SIPTransportTarget(address: server.listener(.tcp).localAddress, transport: .tcp)
        let futures = try (1...10).map { index in
            client.manager.send(
                try Messages.parse(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKcc\(index)", cseq: index)), to: target)
        }
        for future in futures { try await future.get() }
        var received: [UInt32?] = []
        for _ in 1...10 { received.append(try await server.inbound.next("request").message.cseqNumber) }
        #expect(Set(received) == Set((1...10).map { UInt32($0) }))
        #expect(client.manager.counters.connectionsOpened == 1)
        #expect(server.manager.counters.connectionsAccepted == 1)
        await client.stop()
        await server.stop()
    }

    @Test func inboundConnectionsOverTheLimitAreClosed() async throws {
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .tcp, host: "127.0.0.1", port: 0)])
        configuration.maxInboundConnections = 1
        let harness = try await Harness.start(configuration)
        let first = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        try await first.write(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKfirst"))
        _ = try await harness.inbound.next("first request")
        let second = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        #expect(await second.collector.bytes.waitUntilClosed())
        #expect(harness.manager.counters.connectionsRefused == 1)
        // The first connection is unaffected.
        try await first.write("\r\n\r\n")
        #expect(try await first.read(until: { $0 == "\r\n" }) == "\r\n")
        await first.close()
        await harness.stop()
    }

    @Test func inboundConnectionsOverTheLimitPerSourceAreClosed() async throws {
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .tcp, host: "127.0.0.1", port: 0)])
        #expect(configuration.maxInboundConnectionsPerSource == SIPTransportConfiguration.defaultMaxInboundConnectionsPerSource)
        configuration.maxInboundConnectionsPerSource = 2
        let harness = try await Harness.start(configuration)
        var open: [RawTCPPeer] = []
        for index in 1...2 {
            let peer = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
            try await peer.write(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKsrc\(index)"))
            _ = try await harness.inbound.next("request \(index)")
            open.append(peer)
        }
        // A third connection from the same address (another port) is closed on arrival.
        let third = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        #expect(await third.collector.bytes.waitUntilClosed())
        #expect(harness.manager.counters.connectionsRefused == 1)
        // Once one closes (and the server has seen it close), the address may connect again.
        await open[0].close()
        try await Task.sleep(for: .milliseconds(300))
        let again = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        try await again.write(Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKagain"))
        _ = try await harness.inbound.next("request on the new connection")
        #expect(harness.manager.counters.connectionsAccepted == 3)
        await again.close()
        await open[1].close()
        await harness.stop()
    }

    /// Many messages back to back on one connection arrive complete and in order (TCP
    /// coalesces and splits them arbitrarily). Prints the rate as a rough figure.
    @Test func manyMessagesOnOneConnectionArriveInOrder() async throws {
        let harness = try await startTCP()
        let phone = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        let count = 5_000
        var batch = ""
        let clock = ContinuousClock()
        let start = clock.now
        for index in 1...count {
            batch += Messages.options(via: "SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKn\(index)", callID: "load", cseq: index)
            if index % 100 == 0 {
                try await phone.write(batch)
                batch = ""
            }
        }
        var expected: UInt32 = 1
        for _ in 1...count {
            let inbound = try await harness.inbound.next("message \(expected)")
            #expect(inbound.message.cseqNumber == expected)
            expected += 1
        }
        let elapsed = clock.now - start
        print("SIPTransport TCP inbound: \(count) messages in \(elapsed)")
        #expect(harness.manager.counters.messagesReceived == count)
        await phone.close()
        await harness.stop()
    }

    @Test func idleConnectionIsClosed() async throws {
        let harness = try await startTCP(idleTimeout: .milliseconds(300))
        let phone = try await RawTCPPeer.connect(to: harness.listener(.tcp).localAddress)
        #expect(await phone.collector.bytes.waitUntilClosed(seconds: 5))
        #expect(harness.manager.counters.connectionsClosedIdle == 1)
        #expect(harness.manager.connectionCount == 0)
        await harness.stop()
    }
}
