import Foundation
import NIOCore
import NIOPosix
import Testing
import TestSupport
@testable import MediaRelay

/// Hold in the engine (RFC 3264 §8.4): a leg's ``MediaLegDirection`` stops RTP toward it and
/// takes it out of the media timeout.
@Suite(.timeLimit(.minutes(1))) struct HoldDirectionLoopbackTests {
    func engine(timeout: TimeAmount = .seconds(30)) throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: 40), mediaTimeout: timeout, probationPackets: 3))
    }

    @Test(arguments: [MediaLegDirection.recvonly, .inactive])
    func nothingIsForwardedTowardALegTheGatewayDoesNotSendTo(_ direction: MediaLegDirection) async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        let codec = MediaCodec(payloadType: 0, format: .pcmu)
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: codec, direction: direction))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: codec,
                                                               direction: direction == .recvonly ? .sendonly : .inactive))
        for step in 0..<3 {
            try await peerB.send(rtp(sequenceNumber: 10 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xBBBB),
                                 toPort: session.localPort(.b))
            try await peerA.send(rtp(sequenceNumber: 50 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA),
                                 toPort: session.localPort(.a))
        }
        if direction == .recvonly {
            // A holds with music on hold: its packets still reach B.
            #expect(try await peerB.waitForPackets(3).count == 3)
        } else {
            try await Task.sleep(for: .milliseconds(150))
            #expect(peerB.received.isEmpty, "inactive both ways")
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(peerA.received.isEmpty, "nothing toward the held side")
        #expect(try await session.counters(.a).packetsSent == 0)
        #expect(try await session.counters(.b).packetsDropped == 3)

        // Resumed (sendrecv): B's media reaches A again.
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: codec))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: codec))
        try await peerB.send(rtp(sequenceNumber: 20, timestamp: 3200, ssrc: 0xBBBB), toPort: session.localPort(.b))
        #expect(try await peerA.waitForPackets(1).count == 1)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func aLegNotExpectedToSendIsNotTimedOut() async throws {
        let engine = try engine(timeout: .milliseconds(200))
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        let codec = MediaCodec(payloadType: 0, format: .pcmu)
        // A is held first (the gateway only sends to it); B, configured 150 ms later, is silent
        // too: were A watched, its timeout would come first.
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: codec, direction: .sendonly))
        try await Task.sleep(for: .milliseconds(150))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: codec))
        var timedOut: MediaLeg?
        for await event in session.events {
            if case .mediaTimeout(let leg) = event {
                timedOut = leg
                break
            }
        }
        #expect(timedOut == .b)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }
}

extension HoldDirectionLoopbackTests {
    @Test func aDirectionOnlyChangeKeepsTheLatchAndStopsMediaTowardTheLeg() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        let codec = MediaCodec(payloadType: 0, format: .pcmu)
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: codec))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: codec))
        // A holds with c=0.0.0.0: only its direction changes.
        try await session.setDirection([(leg: .a, direction: .inactive)])
        try await peerB.send(rtp(sequenceNumber: 1, timestamp: 0, ssrc: 0xBBBB), toPort: session.localPort(.b))
        try await Task.sleep(for: .milliseconds(150))
        #expect(peerA.received.isEmpty)
        #expect(try await session.counters(.b).packetsDropped == 1)
        // Resumed through a direction change alone: the old address still holds.
        try await session.setDirection([(leg: .a, direction: .sendrecv)])
        try await peerB.send(rtp(sequenceNumber: 2, timestamp: 160, ssrc: 0xBBBB), toPort: session.localPort(.b))
        #expect(try await peerA.waitForPackets(1).count == 1)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }
}
