import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import TestSupport
@testable import MediaRelay

/// The control calls that queue on the media loop and return at once (the B2BUA's call path):
/// allocation on the caller's thread, configuration and release without waiting, events to a
/// handler instead of the stream.
@Suite(.timeLimit(.minutes(1))) struct MediaSessionQueuedTests {
    func engine(ports: Int = 8, timeout: TimeAmount = .seconds(30)) throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: ports), mediaTimeout: timeout, probationPackets: 1))
    }

    /// Polls `condition` every 10 ms for up to 2 s.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func allocatedConfiguredAndReleasedWithoutWaiting() async throws {
        let engine = try engine()
        let before = engine.availablePorts
        let session = try engine.allocateSessionNow()
        #expect(engine.availablePorts == before - 2, "both legs' ports taken at once")
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        let failures = NIOLockedValueBox(0)
        // Queued right behind the registration.
        session.configureNow([
            (.a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu))),
            (.b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu))),
        ], failure: { _ in failures.withLockedValue { $0 += 1 } })
        // A round trip queued behind it: the legs are configured once it returns (a datagram
        // read in the same wake-up as the queued task would otherwise meet an unconfigured leg).
        _ = try await session.counters(.a)
        try await peerA.send(rtp(sequenceNumber: 1, timestamp: 160, ssrc: 0xAAAA), toPort: session.localPort(.a))
        #expect(try await peerB.waitForPackets(1).count == 1, "A's packet relayed to B")
        try await peerB.send(rtp(sequenceNumber: 7, timestamp: 320, ssrc: 0xBBBB), toPort: session.localPort(.b))
        #expect(try await peerA.waitForPackets(1).count == 1, "and B's to A")

        let counted = NIOLockedValueBox<(LegCounters, LegCounters)?>(nil)
        session.releaseNow { a, b in counted.withLockedValue { $0 = (a, b) } }
        session.releaseNow { _, _ in Issue.record("a second release reads nothing") }
        #expect(try await eventually { engine.availablePorts == before }, "the ports go back to the pool")
        let (a, b) = try #require(counted.withLockedValue { $0 })
        #expect(a.packetsReceived == 1 && a.packetsSent == 1)
        #expect(b.packetsReceived == 1 && b.packetsSent == 1)
        #expect(failures.withLockedValue { $0 } == 0)

        // Configuring a released session fails at once.
        session.configureNow([(.a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))],
                             failure: { error in failures.withLockedValue { $0 += error is MediaRelayError ? 1 : 100 } })
        #expect(failures.withLockedValue { $0 } == 1)
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func eventsGoToTheHandlerNotTheStream() async throws {
        let engine = try engine(timeout: .milliseconds(150))
        let session = try engine.allocateSessionNow()
        let seen = NIOLockedValueBox<[MediaEvent]>([])
        session.onEvents { event in seen.withLockedValue { $0.append(event) } }
        let peer = try await FakePeer.bind()
        session.configureNow([(.a, LegConfiguration(remote: peer.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))])
        // Nothing arrives on leg a: the media timeout is raised to the handler.
        #expect(try await eventually {
            seen.withLockedValue { $0.contains { if case .mediaTimeout(.a) = $0 { true } else { false } } }
        })
        session.releaseNow()
        // The stream got none of it and finishes at the release.
        var streamed = 0
        for await _ in session.events { streamed += 1 }
        #expect(streamed == 0)
        await peer.close()
        await engine.shutdown()
    }

    @Test func releasingOneSessionLeavesTheOthersSocketsAlone() async throws {
        let engine = try engine(ports: 12)
        let sessions = try (0..<3).map { _ in try engine.allocateSessionNow() }
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        for session in sessions {
            session.configureNow([
                (.a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu))),
                (.b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu))),
            ])
        }
        sessions[1].releaseNow()
        _ = try await sessions[2].counters(.a)  // queued after the release: it has run
        #expect(engine.availablePorts == 6 - 4, "only the released session's ports came back")
        for (index, session) in [sessions[0], sessions[2]].enumerated() {
            try await peerA.send(rtp(sequenceNumber: UInt16(index), timestamp: 160, ssrc: 0xAAAA), toPort: session.localPort(.a))
        }
        #expect(try await peerB.waitForPackets(2).count == 2, "both remaining sessions still relay")
        sessions[0].releaseNow()
        sessions[2].releaseNow()
        #expect(try await eventually { engine.availablePorts == 6 })
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func exhaustionAndAStoppedEngineThrowAtOnce() async throws {
        let engine = try engine(ports: 4)
        let session = try engine.allocateSessionNow()
        #expect(throws: MediaRelayError.portsExhausted) { try engine.allocateSessionNow() }
        #expect(engine.availablePorts == 0, "the failed allocation gave back what it took")
        session.releaseNow()
        #expect(try await eventually { engine.availablePorts == 2 })
        await engine.shutdown()
        #expect(throws: MediaRelayError.engineStopped) { try engine.allocateSessionNow() }
    }

    @Test func eventsRaisedBeforeTheStreamIsFirstReadReachIt() async {
        let sink = MediaEventSink()
        sink.yield(.mediaTimeout(leg: .a))
        sink.yield(.mediaTimeout(leg: .b))
        let stream = sink.stream
        sink.yield(.mediaTimeout(leg: .a))
        sink.finish()
        sink.yield(.mediaTimeout(leg: .b))  // after the end: dropped
        var seen: [MediaEvent] = []
        for await event in stream { seen.append(event) }
        #expect(seen == [.mediaTimeout(leg: .a), .mediaTimeout(leg: .b), .mediaTimeout(leg: .a)])

        // Finished before the first read: the kept events, then the end.
        let closed = MediaEventSink()
        closed.yield(.mediaTimeout(leg: .b))
        closed.finish()
        var kept: [MediaEvent] = []
        for await event in closed.stream { kept.append(event) }
        #expect(kept == [.mediaTimeout(leg: .b)])

        // A handler takes the events instead; the stream keeps none of them.
        let handled = MediaEventSink()
        let taken = NIOLockedValueBox<[MediaEvent]>([])
        handled.setHandler { event in taken.withLockedValue { $0.append(event) } }
        handled.yield(.mediaTimeout(leg: .a))
        handled.finish()
        var streamed: [MediaEvent] = []
        for await event in handled.stream { streamed.append(event) }
        #expect(taken.withLockedValue { $0 } == [.mediaTimeout(leg: .a)] && streamed.isEmpty)
    }
}
