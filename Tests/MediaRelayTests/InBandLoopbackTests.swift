import DTMF
import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// In-band DTMF through a real session: detection on relayed and transcoded legs, tone
/// stripping, and tones written into a leg's audio.
@Suite(.timeLimit(.minutes(1))) struct InBandLoopbackTests {
    func engine() throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: 40), probationPackets: 3))
    }

    /// Sends PCMU frames from `peer` every 20 ms.
    func play(_ frames: [[UInt8]], from peer: FakePeer, toPort port: Int) async throws {
        for (index, frame) in frames.enumerated() {
            try await peer.send(rtp(sequenceNumber: 300 + UInt16(index), timestamp: UInt32(index) * 160, ssrc: 0xAAAA, payload: frame), toPort: port)
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(arguments: [false, true], [false, true])
    func tonesInPCMUAreDetectedAndStripped(transcoded: Bool, removes: Bool) async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let collector = DTMFEventCollector(session)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        let codecB = transcoded ? MediaCodec(payloadType: 111, format: .opus) : MediaCodec(payloadType: 0, format: .pcmu)
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: codecB))
        try await session.configureDTMF(leg: .a, LegDTMFConfiguration(swallowsTelephoneEvents: true, detectsInBand: true, removesInBandTones: removes))
        let frames = try pcmuFrames(silenceBefore: 5, tone: .one, toneFrames: 10, silenceAfter: 8)
        try await play(frames, from: peerA, toPort: session.localPort(.a))
        let reported = try await collector.wait(for: 2)
        try #require(reported.count == 2)
        #expect(reported.allSatisfy { $0.leg == .a && $0.event.method == .inband && $0.event.digit == .one })
        #expect(reported[0].event.phase == .start)
        let duration = try #require(reported[1].event.durationMilliseconds)
        #expect((150...260).contains(duration), "about the 200 ms tone")

        try await Task.sleep(for: .milliseconds(100))
        let payloads = peerB.received.map { Array($0.dropFirst(12)) }
        #expect(payloads.count >= frames.count - 2)
        let heard = transcoded ? try detectDigits(inOpus: payloads) : try detectDigits(inPCMU: payloads)
        switch (transcoded, removes) {
        case (_, false):
            #expect(heard == [.one], "without stripping the tone reaches b")
        case (false, true):
            // Relayed G.711: from detection on, the tone leaves as silence.
            #expect(payloads.contains { $0.count == 160 && $0.allSatisfy { $0 == 0xFF } })
        case (true, true):
            // Transcoded: stripped through the delay line, onset included.
            #expect(heard.isEmpty, "the tone was stripped before encoding")
        }
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func tonesWrittenIntoTranscodedOpusAreDetectable() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 111, format: .opus)))
        // 8 kHz spandsp tone upsampled to 48 kHz before the Opus encoder.
        try await session.generateInBand(.four, on: .b, duration: .milliseconds(200))
        let silence = try pcmuFrames(silenceBefore: 20, tone: .zero, toneFrames: 0, silenceAfter: 0)
        try await play(silence, from: peerA, toPort: session.localPort(.a))
        try await Task.sleep(for: .milliseconds(100))
        let found = try detectDigits(inOpus: peerB.received.map { Array($0.dropFirst(12)) })
        #expect(found == [.four])
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func tonesWrittenIntoRelayedPCMUAreDetectable() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 8, format: .pcma)))
        // PCMU → PCMA is transcoded; this direction writes the tone before encoding.
        try await session.generateInBand(.seven, on: .b, duration: .milliseconds(200))
        let silence = try pcmuFrames(silenceBefore: 20, tone: .zero, toneFrames: 0, silenceAfter: 0)
        try await play(silence, from: peerA, toPort: session.localPort(.a))
        try await Task.sleep(for: .milliseconds(100))
        let pcma = try CodecRegistry.standard.makeCodec(for: .pcma)
        let pcmu = try CodecRegistry.standard.makeCodec(for: .pcmu)
        let asPCMU = try peerB.received.map { try pcmu.encode(try pcma.decode(Array($0.dropFirst(12)))) }
        #expect(try detectDigits(inPCMU: asPCMU) == [.seven])

        // Relayed PCMU → PCMU: the tone is written over the relayed payload.
        let session2 = try await engine.allocateSession()
        let peerC = try await FakePeer.bind()
        try await session2.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session2.configure(leg: .b, LegConfiguration(remote: peerC.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session2.generateInBand(.star, on: .b, duration: .milliseconds(200))
        try await play(silence, from: peerA, toPort: session2.localPort(.a))
        try await Task.sleep(for: .milliseconds(100))
        #expect(try detectDigits(inPCMU: peerC.received.map { Array($0.dropFirst(12)) }) == [.star])
        await session.release()
        await session2.release()
        for peer in [peerA, peerB, peerC] { await peer.close() }
        await engine.shutdown()
    }
}
