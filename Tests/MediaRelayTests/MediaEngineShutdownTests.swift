import Foundation
import MediaRelay
import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding

@Suite struct MediaEngineShutdownTests {
    /// Whether the kernel thread `tid` of this process still exists.
    static func threadExists(_ tid: Int32) -> Bool {
        FileManager.default.fileExists(atPath: "/proc/self/task/\(tid)")
    }

    @Test func shutdownStopsEveryMediaThreadAndClosesTheSessions() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            portRange: FreePorts.range(count: 40), ioThreads: 2))
        var tids = engine.threadIDs
        for _ in 0..<200 where tids.contains(0) {
            try await Task.sleep(for: .milliseconds(5))
            tids = engine.threadIDs
        }
        #expect(tids.count == 2 && tids.allSatisfy { $0 > 0 && Self.threadExists($0) })

        let session = try await engine.allocateSession()
        let peer = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        try await session.configure(leg: .a, LegConfiguration(remote: peer, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        let portsInUse = engine.availablePorts
        // Collects the session's events until the stream finishes (it must, on shutdown).
        let events = Task {
            var count = 0
            for await _ in session.events { count += 1 }
            return count
        }

        await engine.shutdown()
        #expect(engine.isShutDown)
        // The threads are gone (detached, so the kernel drops them once they return).
        var alive = tids.filter(Self.threadExists)
        for _ in 0..<200 where !alive.isEmpty {
            try await Task.sleep(for: .milliseconds(5))
            alive = tids.filter(Self.threadExists)
        }
        #expect(alive.isEmpty, "media threads still running: \(alive)")
        _ = await events.value  // finished by the shutdown, not by release()

        // A session still held can be used and released afterwards: its calls run on the
        // caller with the sockets closed, and the ports come back.
        let counters = try await session.counters(.a)
        #expect(counters.packetsSent == 0)
        await session.release()
        #expect(engine.availablePorts == portsInUse + 2)
        await #expect(throws: MediaRelayError.engineStopped) { try await engine.allocateSession() }
        await engine.shutdown()  // idempotent
    }

    @Test func coalescedWakeupsStillRelayEveryPacketInOrder() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            portRange: FreePorts.range(count: 20), wakeupCoalescing: .milliseconds(2)))
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        // Faster than the window (one every 0.5 ms): the loop sleeps between busy wake-ups.
        for step in 0..<40 {
            try await peerA.send(rtp(sequenceNumber: 10 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA), toPort: session.localPort(.a))
            try await Task.sleep(for: .microseconds(500))
        }
        let received = try await peerB.waitForPackets(40)
        #expect(received.count == 40)
        let sequenceNumbers = received.map { be16($0, 2) }
        #expect(zip(sequenceNumbers, sequenceNumbers.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func shutdownRunsTasksQueuedBeforeIt() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(portRange: FreePorts.range(count: 20)))
        let session = try await engine.allocateSession()
        // configure() queued on the loop while shutdown starts: it completes either way.
        async let configured: Void = session.configure(
            leg: .b, LegConfiguration(remote: try SocketAddress(ipAddress: "127.0.0.1", port: 9),
                                      codec: MediaCodec(payloadType: 0, format: .pcmu)))
        await engine.shutdown()
        try await configured
        await session.release()
    }
}
