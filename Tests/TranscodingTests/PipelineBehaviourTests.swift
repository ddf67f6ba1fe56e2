import TestSupport
import Testing
@testable import Transcoding

/// Loss, reordering, silence gaps, the DTMF tap and bad payloads through the pipeline.
@Suite struct PipelineBehaviourTests {
    /// A steady vowel-like signal, so the level expected in a concealed hole is known.
    static func vowel(rate: Int, seconds: Double) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        return zip(TestSignal.tone(frequency: 210, rate: rate, count: count), TestSignal.tone(frequency: 630, rate: rate, count: count, amplitude: 5000)).map { $0 &+ $1 }
    }

    @Test func lossIsConcealedWithoutAHole() throws {
        let input = Self.vowel(rate: 8000, seconds: 1)
        let packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        let lossy = packets.enumerated().filter { $0.offset % 10 != 5 }.map(\.element)
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G722Codec())
        let output = pipeline.run(lossy, arrivals: lossy.map { UInt64($0.sequenceNumber - 1000) * 20_000_000 })
        #expect(output.count == packets.count, "one packet out per 20 ms, lost ones included")
        #expect(pipeline.statistics.concealments == 5)
        #expect(pipeline.jitterBuffer.statistics.lost == 5)
        for (previous, next) in zip(output, output.dropFirst()) { #expect(next.timestamp &- previous.timestamp == 160) }
        let decoded = try depacketize(output.map(\.payload), codec: G722Codec())
        let reference = SignalMeasure.rms(decoded[3200..<16000])
        for frame in 2..<50 {
            let level = SignalMeasure.rms(decoded[(frame * 320)..<((frame + 1) * 320)])
            #expect(level > 0.5 * reference, "frame \(frame): level \(level) vs \(reference)")
        }
    }

    @Test func reorderingWithinTheWaitChangesNothing() throws {
        let input = TestSignal.speech(rate: 8000, seconds: 1)
        let packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        let inOrder = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G722Codec()).run(packets)
        // Every fourth pair swapped: the later one arrives 5 ms before its predecessor.
        var arrivals = packets.indices.map { UInt64($0) * 20_000_000 }
        for index in stride(from: 1, to: packets.count - 1, by: 4) {
            arrivals[index] = arrivals[index + 1] + 5_000_000
        }
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G722Codec())
        let reordered = pipeline.run(packets, arrivals: arrivals)
        #expect(reordered == inOrder)
        #expect(pipeline.jitterBuffer.statistics.reordered == 12 && pipeline.statistics.concealments == 0)
    }

    @Test func opusFECRebuildsALostFrameBetterThanPLC() throws {
        func lostFrameError(fec: Bool) throws -> (error: Double, pipeline: TranscodingPipeline) {
            let fmtp = fec ? "useinbandfec=1" : ""
            let format = CodecFormat(encodingName: "opus", clockRate: 48000, channels: 2, fmtp: fmtp)
            let settings = CodecSettings(preferredSampleRate: 16000, opusDefaultBitrate: 24000)
            let encoder = try CodecRegistry.standard.makeCodec(for: format, settings: settings)
            let lookahead = try (encoder as? OpusCodec)?.encoderLookahead() ?? 0
            let input = TestSignal.speech(rate: 16000, seconds: 1, bandLimit: 7000)
            let packets = rtpPackets(try packetize(input, codec: encoder), step: 960)
            let lossy = packets.enumerated().filter { $0.offset != 27 }.map(\.element)
            let pipeline = try TranscodingPipeline(decoder: try CodecRegistry.standard.makeCodec(for: format, settings: settings), encoder: try L16Codec(rate: 16000))
            let output = pipeline.run(lossy, arrivals: lossy.map { UInt64($0.sequenceNumber - 1000) * 20_000_000 })
            let decoded = try depacketize(output.map(\.payload), codec: try L16Codec(rate: 16000))
            var error = 0.0, energy = 0.0
            for index in (27 * 320)..<(28 * 320) {
                let difference = Double(decoded[index + lookahead]) - Double(input[index])
                error += difference * difference
                energy += Double(input[index]) * Double(input[index])
            }
            return (error / energy, pipeline)
        }
        let withFEC = try lostFrameError(fec: true)
        let withoutFEC = try lostFrameError(fec: false)
        #expect(withFEC.pipeline.statistics.concealmentsWithNextPacket == 1)
        #expect(withFEC.error < withoutFEC.error * 0.5, "relative error with FEC \(withFEC.error), PLC only \(withoutFEC.error)")
        #expect(withFEC.error < 0.5)
    }

    @Test func silenceSuppressionGapBecomesATimestampJump() throws {
        let input = Self.vowel(rate: 8000, seconds: 0.4)
        var packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        // Packets 10… come after 1 s of suppressed silence: same sequence run, timestamps jump.
        for index in 10..<packets.count { packets[index].timestamp &+= 8000 }
        packets[10].marker = true
        var arrivals = packets.indices.map { UInt64($0) * 20_000_000 }
        for index in 10..<packets.count { arrivals[index] += 1_000_000_000 }
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G722Codec(), configuration: .init(timestampBase: 1000))
        let output = pipeline.run(packets, arrivals: arrivals)
        #expect(output.count == packets.count)
        #expect(output[10].timestamp &- output[9].timestamp == 160 + 8000)
        #expect(output[10].marker && output.filter(\.marker).count == 2)
        #expect(pipeline.statistics.discontinuities == 1 && pipeline.statistics.concealments == 0)
    }

    @Test func gapInsideAnOutgoingFrameIsPaddedThenJumps() throws {
        let input = Self.vowel(rate: 8000, seconds: 0.4)
        var packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        for index in 4..<packets.count { packets[index].timestamp &+= 800 }  // 100 ms of silence after 80 ms
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G711Codec(law: .ulaw), configuration: .init(packetDuration: 60))
        let output = pipeline.run(packets)
        // 80 ms → one 60 ms packet and a 20 ms remainder padded to 60 ms; then 16 × 20 ms.
        #expect(output.count == 2 + (16 * 20 + 59) / 60)
        #expect(output[1].timestamp &- output[0].timestamp == 480)
        #expect(output[2].timestamp &- output[0].timestamp == 640 + 800)
        #expect(output[2].marker)
    }

    final class MutingTap: AudioTap {
        var samples = 0
        var rates: Set<Int> = []
        func process(_ samples: UnsafeMutableBufferPointer<Int16>, sampleRate: Int, timestamp: UInt32) {
            self.samples += samples.count
            rates.insert(sampleRate)
            for index in samples.indices { samples[index] = 0 }
        }
    }

    @Test func tapSeesEverySampleAtTheEncoderRateAndMayChangeIt() throws {
        let input = TestSignal.speech(rate: 8000, seconds: 0.5)
        let packets = rtpPackets(try packetize(input, codec: G711Codec(law: .alaw)), step: 160)
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .alaw), encoder: G722Codec())
        let tap = MutingTap()
        pipeline.tap = tap
        let output = pipeline.run(packets)
        #expect(tap.samples == 25 * 320 && tap.rates == [16000])
        let decoded = try depacketize(output.map(\.payload), codec: G722Codec())
        #expect(SignalMeasure.rms(decoded) < 20)
    }

    @Test func badPayloadsAreConcealedNotFatal() throws {
        let input = Self.vowel(rate: 8000, seconds: 0.4)
        var packets = rtpPackets(try packetize(input, codec: try OpusCodec(sampleRate: 8000)), step: 960)
        packets[5].payload = []
        packets[9].payload = [0xFF, 0xFF, 0xFF]  // code 3 with an impossible frame count
        let pipeline = try TranscodingPipeline(decoder: try OpusCodec(sampleRate: 8000), encoder: G711Codec(law: .ulaw))
        let output = pipeline.run(packets)
        #expect(pipeline.statistics.decodeErrors == 2)
        #expect(output.count == packets.count)
    }

    @Test func lateAndDuplicatePacketsAreDropped() throws {
        let input = Self.vowel(rate: 8000, seconds: 0.4)
        var packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        var arrivals = packets.indices.map { UInt64($0) * 20_000_000 }
        arrivals[3] += 300_000_000  // far too late: concealed, then dropped on arrival
        packets.append(packets[7])  // a duplicate of a packet already released: late too
        arrivals.append(arrivals[7] + 1_000_000)
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G711Codec(law: .alaw))
        let output = pipeline.run(packets, arrivals: arrivals)
        #expect(output.count == 20)
        #expect(pipeline.jitterBuffer.statistics.late == 2)
        #expect(pipeline.statistics.concealments == 1)
    }
}

/// Timelines that break: long losses, restarts, small overlaps.
@Suite struct PipelineTimelineTests {
    @Test func longLossIsConcealedUpToTheLimitThenSkipped() throws {
        let input = PipelineBehaviourTests.vowel(rate: 8000, seconds: 1)
        let packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        let lossy = packets.enumerated().filter { !(10..<20).contains($0.offset) }.map(\.element)  // 200 ms gone
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G711Codec(law: .alaw), configuration: .init(maximumConcealment: 60))
        let output = pipeline.run(lossy, arrivals: lossy.map { UInt64($0.sequenceNumber - 1000) * 20_000_000 })
        // 10 + 3 concealed + 30 packets; the 140 ms beyond the limit are a timestamp jump.
        #expect(output.count == 43)
        #expect(output[13].timestamp &- output[12].timestamp == 160 + 7 * 160)
        #expect(output[13].marker && pipeline.statistics.concealedSamples == 480)
    }

    @Test func confirmedSequenceRestartContinuesTheOutgoingTimeline() throws {
        let input = PipelineBehaviourTests.vowel(rate: 8000, seconds: 0.4)
        var packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        // From packet 10 on, a new source: sequence and timestamps start elsewhere.
        for index in 10..<packets.count {
            packets[index].sequenceNumber = 30000 &+ UInt16(index)
            packets[index].timestamp = 123_456 &+ UInt32(index * 160)
        }
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G711Codec(law: .ulaw), configuration: .init(timestampBase: 0))
        let output = pipeline.run(packets)
        // The first packet of the new run only opens probation (RFC 3550 A.1); the rest play on.
        #expect(output.count == packets.count - 1)
        #expect(pipeline.jitterBuffer.statistics.restarts == 1)
        for (previous, next) in zip(output, output.dropFirst()) {
            #expect(next.timestamp &- previous.timestamp == 160)
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
        }
        #expect(output[10].marker)
    }

    @Test func smallTimestampOverlapPlaysOn() throws {
        let input = PipelineBehaviourTests.vowel(rate: 8000, seconds: 0.4)
        var packets = rtpPackets(try packetize(input, codec: G711Codec(law: .ulaw)), step: 160)
        for index in 5..<packets.count { packets[index].timestamp &-= 8 }  // 1 ms overlap
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G711Codec(law: .ulaw))
        let output = pipeline.run(packets)
        #expect(output.count == packets.count)
        #expect(pipeline.statistics.discontinuities == 0)
        #expect(output.filter(\.marker).count == 1)
    }
}
