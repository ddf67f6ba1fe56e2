import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// A door camera (leg A, H.264 payload type 96) and a softphone (leg B, the same codec as
/// payload type 102) through a call's audio and video sessions over loopback, rtcp-mux.
@Suite(.timeLimit(.minutes(1))) struct VideoRelayLoopbackTests {
    static let h264 = CodecFormat(encodingName: "H264", clockRate: 90000, fmtp: "profile-level-id=42e01f;packetization-mode=1")

    func engine() throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(portRange: FreePorts.range(count: 40)))
    }

    /// An H.264 RTP packet: `marker` ends the frame.
    func h264Packet(sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, marker: Bool, payloadType: UInt8 = 96) -> [UInt8] {
        var packet = rtp(payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc, payload: [0x65] + [UInt8](repeating: 0xAB, count: 900))
        if marker { packet[1] |= 0x80 }
        return packet
    }

    /// A picture loss indication (RFC 4585 §6.3.1).
    func pli(sender: UInt32, media: UInt32) -> [UInt8] {
        [0x81, 206, 0, 2] + be(sender) + be(media)
    }

    /// A full intra request (RFC 5104 §4.3.1) naming `target` in its FCI.
    func fir(sender: UInt32, target: UInt32) -> [UInt8] {
        [0x84, 206, 0, 4] + be(sender) + be(0) + be(target) + [1, 0, 0, 0]
    }

    func be(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    @Test func videoIsRelayedBothWaysWithFeedbackRewritten() async throws {
        let engine = try engine()
        let sessions = try await engine.allocateStreams([.audio, .video], rtcpMux: true)
        try #require(sessions.count == 2)
        let (audio, video) = (sessions[0], sessions[1])
        #expect(audio.kind == .audio && video.kind == .video)
        #expect(audio.localPort(.a) != video.localPort(.a), "one port per stream")
        #expect(audio.eventLoop === video.eventLoop, "a call's streams share one media thread")
        let camera = try await FakePeer.bind()
        let phone = try await FakePeer.bind()
        try await video.configure(leg: .a, LegConfiguration(remote: camera.address, codec: MediaCodec(payloadType: 96, format: Self.h264), outgoingSSRC: 0xA1A1_A1A1))
        try await video.configure(leg: .b, LegConfiguration(remote: phone.address, codec: MediaCodec(payloadType: 102, format: Self.h264), outgoingSSRC: 0xB1B1_B1B1))

        // One frame in three packets: same timestamp, marker on the last one only.
        for (step, marker) in [false, false, true].enumerated() {
            try await camera.send(h264Packet(sequenceNumber: 500 + UInt16(step), timestamp: 90_000, ssrc: 0xCA3E, marker: marker), toPort: video.localPort(.a))
        }
        let frame = try await phone.waitForPackets(3)
        try #require(frame.count == 3)
        #expect(frame.allSatisfy { $0[1] & 0x7F == 102 }, "the softphone's payload type")
        #expect(frame.allSatisfy { be32($0, 8) == 0xB1B1_B1B1 }, "the SSRC the softphone sees")
        #expect(Set(frame.map { be32($0, 4) }).count == 1, "one frame, one timestamp")
        #expect(frame.map { $0[1] & 0x80 != 0 } == [false, false, true], "the marker still ends the frame")
        #expect(be16(frame[1], 2) == be16(frame[0], 2) &+ 1 && be16(frame[2], 2) == be16(frame[0], 2) &+ 2)
        #expect(frame[0].count == 12 + 901, "payload untouched")

        // The softphone (it sends no video) asks for a key frame about the stream it sees.
        try await phone.send(pli(sender: 0xF00D, media: 0xB1B1_B1B1), toPort: video.localPort(.b))
        let atCamera = try await camera.waitForPackets(1)
        try #require(atCamera.count == 1)
        #expect(atCamera[0][1] == 206 && atCamera[0][0] & 0x1F == 1, "a PLI reaches the camera")
        #expect(be32(atCamera[0], 8) == 0xCA3E, "naming the camera's own SSRC")
        try await phone.send(fir(sender: 0xF00D, target: 0xB1B1_B1B1), toPort: video.localPort(.b))
        let firAtCamera = try await camera.waitForPackets(2)
        try #require(firAtCamera.count == 2)
        #expect(be32(firAtCamera[1], 12) == 0xCA3E, "the FIR entry names the camera's SSRC")
        // A NACK for the frame's second packet names the camera's own sequence number.
        let nack: [UInt8] = [0x81, 205, 0, 3] + be(0xF00D) + be(0xB1B1_B1B1) + [UInt8(be16(frame[1], 2) >> 8), UInt8(be16(frame[1], 2) & 0xFF), 0, 0]
        try await phone.send(nack, toPort: video.localPort(.b))
        let nackAtCamera = try await camera.waitForPackets(3)
        try #require(nackAtCamera.count == 3)
        #expect(be32(nackAtCamera[2], 8) == 0xCA3E && be16(nackAtCamera[2], 12) == 501, "NACK PID on the camera's numbering")

        // Video back from the softphone reaches the camera on the camera's payload type.
        try await phone.send(h264Packet(sequenceNumber: 9, timestamp: 1234, ssrc: 0xF00D, marker: true, payloadType: 102), toPort: video.localPort(.b))
        let back = try await camera.waitForPackets(4)
        try #require(back.count == 4)
        #expect(back[3][1] & 0x7F == 96 && be32(back[3], 8) == 0xA1A1_A1A1)

        // The camera restarts its encoder (new SSRC): the stream continues and the engine asks
        // the new source for a key frame at once.
        try await camera.send(h264Packet(sequenceNumber: 7, timestamp: 5, ssrc: 0xCA3F, marker: true), toPort: video.localPort(.a))
        let continued = try await phone.waitForPackets(4)
        try #require(continued.count == 4)
        #expect(be32(continued[3], 8) == 0xB1B1_B1B1 && be16(continued[3], 2) == be16(frame[2], 2) &+ 1)
        let keyFrameRequest = try await camera.waitForPackets(5)
        try #require(keyFrameRequest.count == 5)
        #expect(keyFrameRequest[4][1] == 206 && be32(keyFrameRequest[4], 4) == 0xA1A1_A1A1 && be32(keyFrameRequest[4], 8) == 0xCA3F)
        #expect(try await video.counters(.a).keyFrameRequests == 1)

        // The B2BUA can ask too (SIP INFO picture_fast_update).
        try await video.requestKeyFrame(from: .a)
        #expect(try await camera.waitForPackets(6).count == 6)
        for session in sessions { await session.release() }
        await camera.close()
        await phone.close()
        await engine.shutdown()
    }

    @Test func aLegWithoutVideoGetsNoneAndVideoNeverTranscodes() async throws {
        let engine = try engine()
        let video = try await engine.allocateSession(rtcpMux: true, kind: .video)
        let camera = try await FakePeer.bind()
        let phone = try await FakePeer.bind()
        // Only the camera's leg has video (the phone's answer had port 0 for it).
        try await video.configure(leg: .a, LegConfiguration(remote: camera.address, codec: MediaCodec(payloadType: 96, format: Self.h264)))
        try await camera.send(h264Packet(sequenceNumber: 1, timestamp: 1, ssrc: 0xCA3E, marker: true), toPort: video.localPort(.a))
        try await Task.sleep(for: .milliseconds(100))
        #expect(phone.received.isEmpty)
        #expect(try await video.counters(.a).packetsDropped == 1)
        // Different video codecs on the two legs cannot be bridged.
        let vp8 = CodecFormat(encodingName: "VP8", clockRate: 90000)
        await #expect(throws: MediaRelayError.unsupportedCodec("video \(Self.h264) → \(vp8)")) {
            try await video.configure(leg: .b, LegConfiguration(remote: phone.address, codec: MediaCodec(payloadType: 97, format: vp8)))
        }
        await video.release()
        await camera.close()
        await phone.close()
        await engine.shutdown()
    }
}
