import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// RTCP on its own ports (RTP + 1) relayed with the rewrites matching the relayed RTP.
@Suite(.timeLimit(.minutes(1))) struct RTCPRelayLoopbackTests {
    @Test func senderAndReceiverReportsAreRewritten() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(portRange: FreePorts.range(count: 40)))
        let session = try await engine.allocateSession(rtcpMux: false)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        let rtcpA = try await FakePeer.bind()
        let rtcpB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu), outgoingSSRC: 0xA0A0_A0A0))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu), outgoingSSRC: 0xB0B0_B0B0))

        // RTP both ways so both legs are latched and both streams have a source.
        try await peerA.send(rtp(sequenceNumber: 10, timestamp: 8000, ssrc: 0xAAAA), toPort: session.localPort(.a))
        try await peerB.send(rtp(sequenceNumber: 20, timestamp: 4000, ssrc: 0xBBBB), toPort: session.localPort(.b))
        let atB = try await peerB.waitForPackets(1)
        try #require(try await peerA.waitForPackets(1).count == 1)
        try #require(atB.count == 1)
        let mappedTimestamp = be32(atB[0], 4)

        func senderReport(rtpTimestamp: UInt32) -> [UInt8] {
            var packet: [UInt8] = [0x80, 200, 0, 6, 0, 0, 0xAA, 0xAA]
            packet += [0xE0, 0, 0, 0, 0, 0, 0, 0]
            packet += withUnsafeBytes(of: rtpTimestamp.bigEndian) { Array($0) }
            packet += [0, 0, 0, 1, 0, 0, 0, 160]
            return packet
        }
        // B's receiver report about the stream it gets (SSRC 0xB0B0B0B0).
        var receiverReport: [UInt8] = [0x81, 201, 0, 7, 0, 0, 0xBB, 0xBB, 0xB0, 0xB0, 0xB0, 0xB0]
        receiverReport += [UInt8](repeating: 0, count: 20)

        try await rtcpA.send(senderReport(rtpTimestamp: 8160), toPort: session.localPort(.a) + 1)
        try await Task.sleep(for: .milliseconds(50))
        try await rtcpB.send(receiverReport, toPort: session.localPort(.b) + 1)
        let rrAtA = try await rtcpA.waitForPackets(1)
        try #require(rrAtA.count == 1)
        #expect(be32(rrAtA[0], 4) == 0xA0A0_A0A0, "B's sender SSRC becomes the SSRC A sees B's media with")
        #expect(be32(rrAtA[0], 8) == 0xAAAA, "the report block names A's own SSRC")

        try await rtcpA.send(senderReport(rtpTimestamp: 8160), toPort: session.localPort(.a) + 1)
        let srAtB = try await rtcpB.waitForPackets(1)
        try #require(srAtB.count == 1)
        #expect(be32(srAtB[0], 4) == 0xB0B0_B0B0)
        #expect(be32(srAtB[0], 16) == mappedTimestamp &+ 160, "SR RTP timestamp on the relayed clock")
        #expect(try await session.counters(.a).rtcpRelayed == 2)
        await session.release()
        for peer in [peerA, peerB, rtcpA, rtcpB] { await peer.close() }
        await engine.shutdown()
    }
}
