import TestSupport
import Testing
@testable import Transcoding

/// Peer input never traps: seeded random streams (garbage payloads, sequence and timestamp
/// jumps, duplicates, reordering) through every decoder.
@Suite struct PipelineRobustnessTests {
    @Test(arguments: ["PCMU", "G722", "opus", "L16"])
    func randomStreamsNeverTrap(_ name: String) throws {
        var random = SplitMix64(state: 0x5EED_0000 &+ UInt64(name.utf8.count))
        let source: any AudioCodec = try RepacketizationTests.codec(name, rate: 48000)
        let good = try packetize(TestSignal.speech(rate: source.sampleRate, seconds: 0.5), codec: source)
        let decoder: any AudioCodec = try RepacketizationTests.codec(name, rate: 48000)
        let pipeline = try TranscodingPipeline(decoder: decoder, encoder: G711Codec(law: .ulaw))
        var sequence: UInt16 = UInt16.random(in: 0...UInt16.max, using: &random)
        var timestamp: UInt32 = UInt32.random(in: 0...UInt32.max, using: &random)
        var now: UInt64 = 0
        var emitted: [(sequence: UInt16, octets: Int)] = []
        for _ in 0..<1500 {
            var payload = good[Int.random(in: 0..<good.count, using: &random)]
            switch Int.random(in: 0..<20, using: &random) {
            case 0: payload = (0..<Int.random(in: 0...1500, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 1: payload = Array(payload.prefix(Int.random(in: 0...3, using: &random)))
            case 2: sequence &+= UInt16.random(in: 0...UInt16.max, using: &random)
            case 3: timestamp &+= UInt32.random(in: 0...UInt32.max, using: &random)
            case 4: sequence &-= UInt16.random(in: 1...5, using: &random)
            case 5: sequence &+= UInt16.random(in: 1...40, using: &random)
            default: break
            }
            now += UInt64.random(in: 0...40_000_000, using: &random)
            payload.withUnsafeBytes {
                pipeline.receive(payload: $0, sequenceNumber: sequence, timestamp: timestamp, marker: false, arrival: now) { packet in
                    emitted.append((packet.sequenceNumber, packet.payload.count))
                }
            }
            sequence &+= 1
            timestamp &+= UInt32(source.timestampUnits(milliseconds: 20))
            if Bool.random(using: &random) { pipeline.poll(now: now) { emitted.append(($0.sequenceNumber, $0.payload.count)) } }
        }
        #expect(emitted.count > 500, "\(name): \(emitted.count) packets out")
        #expect(emitted.allSatisfy { $0.octets == 160 })
        #expect(zip(emitted, emitted.dropFirst()).allSatisfy { $1.sequence == $0.sequence &+ 1 })
        #expect(pipeline.statistics.decodeErrors > 0, "\(name): garbage was seen")
    }
}

/// Opus DTX towards a peer that asked for it (`usedtx=1`, RFC 7587 §6.1).
@Suite struct OpusDTXTests {
    @Test func silenceIsNotSentAndSpeechResumesWithTheMarker() throws {
        let speech = TestSignal.speech(rate: 8000, seconds: 0.4)
        let input = speech + [Int16](repeating: 0, count: 8000) + speech
        let packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        let format = CodecFormat(encodingName: "opus", clockRate: 48000, channels: 2, fmtp: "usedtx=1")
        let encoder = try CodecRegistry.standard.makeCodec(for: format, settings: CodecSettings(preferredSampleRate: 8000))
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: encoder)
        let output = pipeline.run(packets)
        #expect(pipeline.statistics.framesSuppressed > 20, "suppressed \(pipeline.statistics.framesSuppressed) of 50 silent frames")
        #expect(output.count + pipeline.statistics.framesSuppressed == packets.count)
        // Timestamps keep real time across the suppressed frames; each resumption is marked.
        for (previous, next) in zip(output, output.dropFirst()) {
            let step = next.timestamp &- previous.timestamp
            #expect(step % 960 == 0 && step >= 960)
            #expect(next.marker == (step > 960))
        }
    }
}
