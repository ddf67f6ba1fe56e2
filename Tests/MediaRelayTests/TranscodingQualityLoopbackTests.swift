import Foundation
import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// The engine codes PCMU ⇄ Opus at 8 kHz (the narrower leg's rate): what comes out of each side
/// must still be the tone that went in.
@Suite(.timeLimit(.minutes(1))) struct TranscodingQualityLoopbackTests {
    /// The share of `samples`' energy at `frequency` (Goertzel power over total power).
    func toneShare(_ samples: [Int16], frequency: Double, rate: Double) -> Double {
        let coefficient = 2 * cos(2 * .pi * frequency / rate)
        var (s1, s2, total) = (0.0, 0.0, 0.0)
        for sample in samples {
            let x = Double(sample)
            let s0 = x + coefficient * s1 - s2
            s2 = s1
            s1 = s0
            total += x * x
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return total > 0 ? 2 * power / (Double(samples.count) * total) : 0
    }

    @Test func aToneSurvivesBothDirections() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(portRange: FreePorts.range(count: 40)))
        let session = try await engine.allocateSession(rtcpMux: true)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 111, format: .opus)))
        let pcmu = try CodecRegistry.standard.makeCodec(for: .pcmu)
        let opusSender = try CodecRegistry.standard.makeCodec(for: .opus)  // the softphone: 48 kHz
        for step in 0..<25 {
            let narrow = (0..<160).map { n in Int16(9000 * sin(2 * Double.pi * 440 * Double(step * 160 + n) / 8000)) }
            try await peerA.send(rtp(sequenceNumber: UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA, payload: try pcmu.encode(narrow)), toPort: session.localPort(.a))
            let wide = (0..<960).map { n in Int16(9000 * sin(2 * Double.pi * 700 * Double(step * 960 + n) / 48000)) }
            try await peerB.send(rtp(payloadType: 111, sequenceNumber: UInt16(step), timestamp: UInt32(step) * 960, ssrc: 0xBBBB, payload: try opusSender.encode(wide)), toPort: session.localPort(.b))
            try await Task.sleep(for: .milliseconds(20))
        }
        let atB = try await peerB.waitForPackets(20).filter { $0[1] & 0x7F == 111 }
        let atA = try await peerA.waitForPackets(20).filter { $0[1] & 0x7F == 0 }
        try #require(atB.count >= 20 && atA.count >= 20)
        let opusReceiver = try CodecRegistry.standard.makeCodec(for: .opus)
        let decodedAtB = try atB.flatMap { try opusReceiver.decode(Array($0.dropFirst(12))) }.dropFirst(960 * 5)
        let decodedAtA = try atA.flatMap { try pcmu.decode(Array($0.dropFirst(12))) }.dropFirst(160 * 5)
        let shareB = toneShare(Array(decodedAtB), frequency: 440, rate: Double(opusReceiver.sampleRate))
        let shareA = toneShare(Array(decodedAtA), frequency: 700, rate: 8000)
        #expect(shareB > 0.8, "440 Hz from the PCMU leg dominates the Opus the softphone gets (\(shareB))")
        #expect(shareA > 0.8, "700 Hz from the softphone dominates the PCMU the door gets (\(shareA))")
        #expect(toneShare(Array(decodedAtB), frequency: 1200, rate: Double(opusReceiver.sampleRate)) < 0.05, "and not some other tone")
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }
}
