import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import MediaRelay

/// The media loop reads every ready socket before it processes any datagram
/// (`MediaIOLoop.readReady`): a wake-up with more datagrams than its gather slab processes them
/// in rounds, each stream in order, none lost.
@Suite(.timeLimit(.minutes(1))) struct GatherLoopbackTests {
    @Test func aBacklogLargerThanTheGatherSlabIsRelayedCompleteAndInOrder() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: 44000...44039, probationPackets: 3))
        let first = try await engine.allocateSession()
        let second = try await engine.allocateSession()
        #expect(first.eventLoop === second.eventLoop, "one media thread: both sockets in one wake-up")
        var peers: [FakePeer] = []
        for _ in 0..<4 { peers.append(try await FakePeer.bind()) }
        for (index, session) in [first, second].enumerated() {
            let codec = MediaCodec(payloadType: 0, format: .pcmu)
            try await session.configure(leg: .a, LegConfiguration(remote: peers[2 * index].address, codec: codec))
            try await session.configure(leg: .b, LegConfiguration(remote: peers[2 * index + 1].address, codec: codec))
        }
        // Hold the media thread while both backlogs queue up: one socket alone holds more than
        // the slab (`IOSlabs.gather`), so it is read, processed and read again in one wake-up.
        let counts = [IOSlabs.gather + 12, 40]
        try await first.eventLoop.submit {}.get()
        first.eventLoop.execute { usleep(300_000) }
        for (index, session) in [first, second].enumerated() {
            for number in 0..<counts[index] {
                try await peers[2 * index].send(
                    rtp(sequenceNumber: UInt16(number), timestamp: UInt32(number) * 160, ssrc: 0xA0 + UInt32(index), payload: [UInt8](repeating: UInt8(number & 0x7F), count: 20)),
                    toPort: session.localPort(.a))
            }
        }
        for (index, session) in [first, second].enumerated() {
            let received = try await peers[2 * index + 1].waitForPackets(counts[index])
            #expect(received.count == counts[index])
            let sequenceNumbers = received.map { be16($0, 2) }
            #expect(zip(sequenceNumbers, sequenceNumbers.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "in order, none missing")
            #expect(received.enumerated().allSatisfy { $1.count == 32 && $1[12] == UInt8($0 & 0x7F) }, "each payload its own")
            #expect(try await session.counters(.a).packetsReceived == counts[index])
            await session.release()
        }
        for peer in peers { await peer.close() }
        await engine.shutdown()
    }
}
