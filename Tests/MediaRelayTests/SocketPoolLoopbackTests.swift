#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Testing
import TestSupport
@testable import MediaRelay

/// Released legs' sockets parked for reuse (``MediaPortPool``, MediaIOLoop+Parking) over
/// loopback: a reused port never delivers its old call's packets, rested ports are preferred,
/// the parking is bounded and closed at shutdown.
@Suite(.timeLimit(.minutes(1))) struct SocketPoolLoopbackTests {
    func engine(pairs: Int, limit: Int? = nil, quarantine: TimeAmount = .seconds(2)) throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: 2 * pairs), probationPackets: 1,
            socketPoolLimit: limit, portQuarantine: quarantine))
    }

    func pcmu(_ peer: FakePeer) -> LegConfiguration {
        LegConfiguration(remote: peer.address, codec: MediaCodec(payloadType: 0, format: .pcmu))
    }

    @Test func aReusedPortNeverDeliversThePreviousCallsPackets() async throws {
        // Two pairs: exactly one session, so the second one must take the first one's sockets.
        let engine = try engine(pairs: 2)
        let old = try engine.allocateSessionNow()
        let oldPeerA = try await FakePeer.bind()
        let oldPeerB = try await FakePeer.bind()
        old.configureNow([(.a, pcmu(oldPeerA)), (.b, pcmu(oldPeerB))])
        try await oldPeerA.send(rtp(sequenceNumber: 1, timestamp: 160, ssrc: 0x01D), toPort: old.localPort(.a))
        #expect(try await oldPeerB.waitForPackets(1).count == 1, "the old call relays")
        let (portA, portB) = (old.localPort(.a), old.localPort(.b))
        old.releaseNow()
        #expect(try await eventuallyTrue { engine.parkedEndpoints == 2 }, "both legs parked, not closed")
        #expect(!FreePorts.canBind(portA) && !FreePorts.canBind(portA + 1), "a parked port stays bound")

        // Stale packets of the old call: some while the port is parked, some held back in the
        // socket while the media loop is busy until the new session takes it over.
        for step in 0..<5 {
            try await oldPeerA.send(rtp(sequenceNumber: 10 + UInt16(step), timestamp: 0, ssrc: 0x01D), toPort: portA)
            try await oldPeerB.send(rtp(sequenceNumber: 10 + UInt16(step), timestamp: 0, ssrc: 0x01D), toPort: portB)
        }
        let loop = try #require(engine.loops.first)
        loop.execute { usleep(150_000) }
        for step in 0..<5 {
            try await oldPeerA.send(rtp(sequenceNumber: 20 + UInt16(step), timestamp: 0, ssrc: 0x01D), toPort: portA)
            try await oldPeerB.send(rtp(sequenceNumber: 20 + UInt16(step), timestamp: 0, ssrc: 0x01D), toPort: portB)
        }
        try await Task.sleep(for: .milliseconds(20))  // delivered into the parked sockets
        let new = try engine.allocateSessionNow()
        #expect(new.localPort(.a) == portA && new.localPort(.b) == portB, "the parked sockets were reused")
        #expect(engine.parkedEndpoints == 0)
        let newPeerA = try await FakePeer.bind()
        let newPeerB = try await FakePeer.bind()
        new.configureNow([(.a, pcmu(newPeerA)), (.b, pcmu(newPeerB))])
        _ = try await new.counters(.a)  // registration and configuration have run

        for step in 0..<3 {
            try await newPeerA.send(rtp(sequenceNumber: 100 + UInt16(step), timestamp: 160, ssrc: 0x0E1), toPort: portA)
        }
        let relayed = try await newPeerB.waitForPackets(3)
        try await Task.sleep(for: .milliseconds(50))
        #expect(relayed.count == 3 && newPeerB.received.count == 3)
        #expect(newPeerA.received.isEmpty, "nothing of the old call's B side reached the new A side")
        let counters = try await new.counters(.a)
        #expect(counters.packetsReceived == 3 && counters.packetsDropped == 0, "no stale packet was even seen")
        #expect(counters.latchedAddress == newPeerA.address)
        let other = try await new.counters(.b)
        #expect(other.packetsReceived == 0 && other.packetsDropped == 0)
        #expect(oldPeerB.received.count == 1 && oldPeerA.received.isEmpty, "the old peers got nothing more")
        await new.release()
        for peer in [oldPeerA, oldPeerB, newPeerA, newPeerB] { await peer.close() }
        await engine.shutdown()
    }

    @Test func restedPortsArePreferredAndFreshOnesBoundMeanwhile() async throws {
        let engine = try engine(pairs: 6, quarantine: .milliseconds(300))
        let first = try engine.allocateSessionNow()
        let firstPorts = [first.localPort(.a), first.localPort(.b)]
        await first.release()
        #expect(engine.parkedEndpoints == 2 && engine.availablePorts == 6)
        let second = try engine.allocateSessionNow()
        #expect(Set([second.localPort(.a), second.localPort(.b)]).isDisjoint(with: firstPorts),
                "ports parked for less than the quarantine are not reused while new ones can be bound")
        try await Task.sleep(for: .milliseconds(350))
        let third = try engine.allocateSessionNow()
        #expect([third.localPort(.a), third.localPort(.b)] == firstPorts, "the rested ports, longest parked first")
        await second.release()
        await third.release()
        await engine.shutdown()
    }

    @Test func parkingIsBoundedAndClosedAtShutdown() async throws {
        let engine = try engine(pairs: 8, limit: 2, quarantine: .zero)
        var sessions: [MediaSession] = []
        for _ in 0..<3 { sessions.append(try engine.allocateSessionNow()) }
        let ports = sessions.flatMap { [$0.localPort(.a), $0.localPort(.b)] }
        for session in sessions { await session.release() }
        #expect(engine.parkedEndpoints == 2, "the limit holds")
        #expect(engine.availablePorts == 8)
        // The last two released stay parked (bound); the four before were closed, oldest first.
        #expect(ports.suffix(2).allSatisfy { !FreePorts.canBind($0) && !FreePorts.canBind($0 + 1) })
        #expect(ports.prefix(4).allSatisfy { FreePorts.canBind($0) && FreePorts.canBind($0 + 1) })
        await engine.shutdown()
        #expect(engine.parkedEndpoints == 0 && engine.availablePorts == 8)
        #expect(ports.allSatisfy { FreePorts.canBind($0) && FreePorts.canBind($0 + 1) }, "shutdown closed the parked sockets")
    }

    @Test func noPoolingClosesEveryReleasedSocket() async throws {
        let engine = try engine(pairs: 2, limit: 0)
        let session = try engine.allocateSessionNow()
        let port = session.localPort(.a)
        await session.release()
        #expect(engine.parkedEndpoints == 0 && engine.availablePorts == 2)
        #expect(FreePorts.canBind(port) && FreePorts.canBind(port + 1))
        await engine.shutdown()
    }

    @Test func rtcpMuxAndPairedLegsParkApart() async throws {
        let engine = try engine(pairs: 4, quarantine: .zero)
        let muxed = try engine.allocateSessionNow(rtcpMux: true)
        let muxedPort = muxed.localPort(.a)
        #expect(FreePorts.canBind(muxedPort + 1), "rtcp-mux binds only the RTP port")
        await muxed.release()
        let paired = try engine.allocateSessionNow()
        #expect(paired.localPort(.a) != muxedPort, "a paired leg does not take a muxed leg's socket")
        await paired.release()
        let again = try engine.allocateSessionNow(rtcpMux: true)
        #expect(again.localPort(.a) == muxedPort)
        await again.release()
        await engine.shutdown()
    }

    /// Polls `condition` every 10 ms for up to 2 s.
    func eventuallyTrue(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
