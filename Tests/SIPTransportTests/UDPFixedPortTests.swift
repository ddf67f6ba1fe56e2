import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

/// A UDP listener on a fixed port binds a plain probe socket first: the listener's SO_REUSEADDR
/// must not let a second gateway share the port, so the second one fails with "address in use".
/// The fixed ports come from a first listener bound to port 0 (never a fixed number in a test).
@Suite struct UDPFixedPortTests {
    private static func start(port: Int, group: any EventLoopGroup) async throws -> (SIPTransportManager, SIPListener) {
        let configuration = SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: port)])
        let manager = try SIPTransportManager(configuration: configuration, group: group) { _ in }
        return (manager, try await manager.start()[0])
    }

    @Test func aSecondManagerOnTheSamePortFailsToBindAndTheFirstKeepsServing() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (first, listener) = try await Self.start(port: 0, group: group)
        let configuration = SIPTransportConfiguration(listeners: [.init(transport: .udp, host: "127.0.0.1", port: listener.port)])
        let second = try SIPTransportManager(configuration: configuration, group: group) { _ in }
        await #expect(throws: (any Error).self) { _ = try await second.start() }
        #expect(second.listeners.isEmpty)
        await second.shutdown()

        // The first still sends from its port.
        #expect(first.listeners == [listener])
        let trunk = try await RawUDPPeer.bind()
        let request = try Messages.parse(Messages.options(via: "SIP/2.0/UDP 127.0.0.1:\(listener.port);branch=z9hG4bKfirst"))
        try await first.send(request, to: SIPTransportTarget(address: trunk.channel.localAddress!, transport: .udp))
        let envelope = try await trunk.collector.datagrams.next("request at trunk")
        #expect(envelope.remoteAddress.port == listener.port)
        await trunk.close()
        await first.shutdown()
        try await group.shutdownGracefully()
    }

    @Test func aFreeFixedPortBindsAfterTheProbe() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // A port that was free a moment ago: the one a port-0 listener got, released.
        let (probe, taken) = try await Self.start(port: 0, group: group)
        await probe.shutdown()
        let (manager, listener) = try await Self.start(port: taken.port, group: group)
        #expect(listener.port == taken.port)
        await manager.shutdown()
        try await group.shutdownGracefully()
    }
}
