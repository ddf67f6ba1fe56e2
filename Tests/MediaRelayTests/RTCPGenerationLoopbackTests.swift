import Foundation
import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// A transcoded call terminates RTCP and reports per leg from its own statistics (RFC 3550 §7.1).
@Suite(.timeLimit(.minutes(1))) struct RTCPGenerationLoopbackTests {
    func isRTCP(_ packet: [UInt8]) -> Bool { packet.count >= 8 && (200...206).contains(packet[1]) }

    @Test func transcodedLegsGetTheEnginesOwnReports() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            portRange: FreePorts.range(count: 40), rtcpReportInterval: .milliseconds(200)))
        let session = try await engine.allocateSession(rtcpMux: true)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu), outgoingSSRC: 0xA0A0_A0A0))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 111, format: .opus), outgoingSSRC: 0xB0B0_B0B0))
        let pcmu = try CodecRegistry.standard.makeCodec(for: .pcmu)
        // A's own sender report, terminated here: not relayed, but its time comes back as LSR.
        var senderReport: [UInt8] = [0x80, 200, 0, 6, 0, 0, 0xAA, 0xAA]
        senderReport += [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 160]
        for step in 0..<30 {
            let pcm = (0..<160).map { n in Int16(8000 * sin(2 * Double.pi * 440 * Double(step * 160 + n) / 8000)) }
            try await peerA.send(rtp(sequenceNumber: 500 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA, payload: try pcmu.encode(pcm)), toPort: session.localPort(.a))
            if step == 2 { try await peerA.send(senderReport, toPort: session.localPort(.a)) }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(400))

        // B gets Opus from us: a sender report on the SSRC it sees, counting what it got.
        let atB = peerB.received
        let rtpAtB = atB.filter { !isRTCP($0) }
        let reportsAtB = atB.filter(isRTCP)
        try #require(!rtpAtB.isEmpty && !reportsAtB.isEmpty)
        let lastSR = try #require(reportsAtB.last)
        #expect(lastSR[1] == 200, "a sender report")
        #expect(be32(lastSR, 4) == 0xB0B0_B0B0, "on the SSRC of the stream B receives")
        #expect(Int(be32(lastSR, 20)) <= rtpAtB.count && be32(lastSR, 20) > 0, "its packet count")
        #expect(lastSR.count > 28 && lastSR[28 + 1] == 202, "followed by SDES")
        #expect(rtpAtB.allSatisfy { be32($0, 8) == 0xB0B0_B0B0 })

        // A sends but receives nothing yet: a receiver report about A's stream.
        let reportsAtA = peerA.received.filter(isRTCP)
        let lastRR = try #require(reportsAtA.last)
        #expect(lastRR[1] == 201 && lastRR[0] & 0x1F == 1, "a receiver report with one block")
        #expect(be32(lastRR, 4) == 0xA0A0_A0A0)
        #expect(be32(lastRR, 8) == 0xAAAA, "about A's SSRC")
        #expect(be32(lastRR, 16) & 0xFFFF == 529, "extended highest sequence number")
        #expect(be32(lastRR, 24) == 0x5678_9ABC, "LSR from A's sender report")
        let counters = try await session.counters(.a)
        #expect(counters.rtcpRelayed == 0, "terminated, not relayed")
        #expect(counters.rtcpGenerated == reportsAtA.count)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }
}
