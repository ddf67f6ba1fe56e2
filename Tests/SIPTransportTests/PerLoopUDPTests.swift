import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

/// One UDP socket per event loop (`udpSocketPerLoop`): every loop sends from its own socket,
/// all bound to the listener's address and port.
@Suite struct PerLoopUDPTests {
    private static func start(loops: Int, perLoop: Bool) async throws -> (SIPTransportManager, MultiThreadedEventLoopGroup, SIPListener) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)])
        configuration.udpSocketPerLoop = perLoop
        let manager = try SIPTransportManager(configuration: configuration, group: group) { _ in }
        let listeners = try await manager.start()
        return (manager, group, listeners[0])
    }

    private static func sockets(of manager: SIPTransportManager) -> [any Channel] {
        manager.state.withLockedValue { $0.listeners.flatMap(\.channels) }
    }

    @Test func eachLoopSendsFromItsOwnSocketOnTheListeningPort() async throws {
        let (manager, group, listener) = try await Self.start(loops: 3, perLoop: true)
        let sockets = Self.sockets(of: manager)
        #expect(sockets.count == 3)
        #expect(Set(sockets.map { ObjectIdentifier($0.eventLoop) }).count == 3)
        #expect(sockets.allSatisfy { $0.localAddress == listener.localAddress })
        let trunk = try await RawUDPPeer.bind()
        let target = SIPTransportTarget(address: trunk.channel.localAddress!, transport: .udp)
        for (index, loop) in group.makeIterator().enumerated() {
            let text = Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(listener.port);branch=z9hG4bKloop\(index)")
            let request = try Messages.parse(text)
            // Sent on the loop itself: the datagram must not hop to another loop's socket.
            let sentOn = try await loop.submit { () -> ObjectIdentifier? in
                let socket = manager.state.withLockedValue { $0.listeners[0].channelForCurrentLoop }
                _ = manager.send(request, to: target)
                return socket.eventLoop.inEventLoop ? ObjectIdentifier(socket) : nil
            }.get()
            #expect(sentOn != nil)
            let envelope = try await trunk.collector.datagrams.next("request \(index) at trunk")
            #expect(envelope.remoteAddress.port == listener.port)
            #expect(String(buffer: envelope.data).contains("branch=z9hG4bKloop\(index)"))
        }
        await trunk.close()
        await manager.shutdown()
        try await group.shutdownGracefully()
    }

    /// SO_REUSEPORT must not let a second gateway join a listener's port: the second bind on a
    /// fixed port in use fails as it did with one socket.
    @Test func aSecondManagerOnTheSamePortFailsToBind() async throws {
        let (first, group, listener) = try await Self.start(loops: 2, perLoop: true)
        let otherGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: listener.port)])
        configuration.udpSocketPerLoop = true
        let second = try SIPTransportManager(configuration: configuration, group: otherGroup) { _ in }
        await #expect(throws: (any Error).self) { _ = try await second.start() }
        await second.shutdown()
        #expect(Self.sockets(of: first).count == 2)
        // Nor with one socket per listener (SO_REUSEADDR alone let a second process in before).
        configuration.udpSocketPerLoop = false
        let third = try SIPTransportManager(configuration: configuration, group: otherGroup) { _ in }
        await #expect(throws: (any Error).self) { _ = try await third.start() }
        await third.shutdown()
        await first.shutdown()
        try await otherGroup.shutdownGracefully()
        try await group.shutdownGracefully()
    }

    @Test func offOrOnOneLoopTheListenerIsOneSocket() async throws {
        for (loops, perLoop) in [(2, false), (1, true)] {
            let (manager, group, listener) = try await Self.start(loops: loops, perLoop: perLoop)
            #expect(Self.sockets(of: manager).count == 1)
            let trunk = try await RawUDPPeer.bind()
            let request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(listener.port);branch=z9hG4bKone"))
            try await manager.send(request, to: SIPTransportTarget(address: trunk.channel.localAddress!, transport: .udp))
            let envelope = try await trunk.collector.datagrams.next("request at trunk")
            #expect(envelope.remoteAddress.port == listener.port)
            await trunk.close()
            await manager.shutdown()
            try await group.shutdownGracefully()
        }
    }

    @Test func everySocketDeliversInboundRequests() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let inbound = Mailbox<SIPInboundMessage>()
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: 0)])
        configuration.udpSocketPerLoop = true
        let manager = try SIPTransportManager(configuration: configuration, group: group) { inbound.put($0) }
        let listener = try await manager.start()[0]
        // Peers on many source ports: the kernel spreads the flows over both sockets.
        var phones: [RawUDPPeer] = []
        for index in 0..<16 {
            let phone = try await RawUDPPeer.bind()
            phones.append(phone)
            try await phone.send(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bKin\(index)"),
                                 to: listener.localAddress)
        }
        var loops = Set<ObjectIdentifier>()
        for _ in 0..<16 {
            let message = try await inbound.next("inbound request")
            #expect(message.context.listener == listener)
            loops.insert(ObjectIdentifier(message.context.eventLoop))
        }
        #expect(loops.count == 2) // 16 flows all hashed to one socket: 1 in 32768
        for phone in phones { await phone.close() }
        await manager.shutdown()
        try await group.shutdownGracefully()
    }
}
