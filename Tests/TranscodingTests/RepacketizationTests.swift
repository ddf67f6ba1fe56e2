import TestSupport
import Testing
@testable import Transcoding

/// Outgoing ptime and timestamp steps: the other leg's packet duration and clock.
@Suite struct RepacketizationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let inputMilliseconds: Int, outputMilliseconds: Int
        var testDescription: String { "\(inputMilliseconds)→\(outputMilliseconds) ms" }
    }

    @Test(arguments: [Case(inputMilliseconds: 20, outputMilliseconds: 30), Case(inputMilliseconds: 20, outputMilliseconds: 60),
                      Case(inputMilliseconds: 60, outputMilliseconds: 20), Case(inputMilliseconds: 20, outputMilliseconds: 10),
                      Case(inputMilliseconds: 30, outputMilliseconds: 40)])
    func pcmuToPCMARepacketizes(_ test: Case) throws {
        let input = TestSignal.speech(rate: 8000, seconds: 1.2)
        let payloads = try packetize(input, codec: G711Codec(law: .ulaw), milliseconds: test.inputMilliseconds)
        let pipeline = try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: G711Codec(law: .alaw),
                                               configuration: .init(packetDuration: test.outputMilliseconds, timestampBase: 4_294_967_000, sequenceBase: 65530))
        let output = pipeline.run(rtpPackets(payloads, step: 8 * test.inputMilliseconds), spacing: UInt64(test.inputMilliseconds) * 1_000_000)
        let total = payloads.count * test.inputMilliseconds
        #expect(output.count == (total + test.outputMilliseconds - 1) / test.outputMilliseconds)
        #expect(output.allSatisfy { $0.payload.count == 8 * test.outputMilliseconds })
        for (previous, next) in zip(output, output.dropFirst()) {
            #expect(next.timestamp &- previous.timestamp == UInt32(8 * test.outputMilliseconds))
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
            #expect(!next.marker)
        }
        #expect(output.first?.marker == true && output.first?.timestamp == 4_294_967_000 && output.first?.sequenceNumber == 65530)
        // The audio is intact: A-law decode of the output matches the µ-law input.
        let decoded = try depacketize(output.map(\.payload), codec: G711Codec(law: .alaw))
        let snr = TestSignal.segmentalSNR(reference: input, output: decoded, lag: 0, segment: 80, range: 0..<(payloads.count * 8 * test.inputMilliseconds))
        #expect(snr > 25, "segmental SNR \(snr) dB")
    }

    struct StepCase: CustomTestStringConvertible, Sendable {
        let from: String, to: String, milliseconds: Int, step: UInt32, octets: ClosedRange<Int>
        var testDescription: String { "\(from)→\(to) \(milliseconds) ms" }
    }

    static func codec(_ name: String, rate: Int) throws -> any AudioCodec {
        switch name {
        case "PCMU": G711Codec(law: .ulaw)
        case "G722": G722Codec()
        case "L16": try L16Codec(rate: 16000)
        default: try OpusCodec(sampleRate: rate)
        }
    }

    @Test(arguments: [
        StepCase(from: "PCMU", to: "G722", milliseconds: 20, step: 160, octets: 160...160),
        StepCase(from: "PCMU", to: "opus", milliseconds: 20, step: 960, octets: 3...200),
        StepCase(from: "PCMU", to: "opus", milliseconds: 60, step: 2880, octets: 8...600),
        StepCase(from: "PCMU", to: "opus", milliseconds: 30, step: 1440, octets: 8...400),
        StepCase(from: "opus", to: "PCMU", milliseconds: 20, step: 160, octets: 160...160),
        StepCase(from: "G722", to: "PCMU", milliseconds: 40, step: 320, octets: 320...320),
        StepCase(from: "G722", to: "opus", milliseconds: 10, step: 480, octets: 3...200),
        StepCase(from: "PCMU", to: "L16", milliseconds: 20, step: 320, octets: 640...640),
    ])
    func timestampStepFollowsTheOutgoingClock(_ test: StepCase) throws {
        let source = try Self.codec(test.from, rate: 8000)
        let input = TestSignal.speech(rate: source.sampleRate, seconds: 0.6)
        let payloads = try packetize(input, codec: source)
        let decoder = try Self.codec(test.from, rate: 8000)
        let encoder = try Self.codec(test.to, rate: decoder.sampleRate)
        let pipeline = try TranscodingPipeline(decoder: decoder, encoder: encoder, configuration: .init(packetDuration: test.milliseconds, timestampBase: 7))
        let output = pipeline.run(rtpPackets(payloads, step: source.timestampUnits(milliseconds: 20)))
        #expect(output.count == (600 + test.milliseconds - 1) / test.milliseconds)
        #expect(output.first?.timestamp == 7)
        for (previous, next) in zip(output, output.dropFirst()) {
            #expect(next.timestamp &- previous.timestamp == test.step)
        }
        #expect(output.allSatisfy { test.octets.contains($0.payload.count) }, "\(output.map(\.payload.count))")
    }

    @Test func unsupportedPtimeIsRefused() throws {
        #expect(throws: CodecError.unsupportedFrameSize(4800)) {
            try TranscodingPipeline(decoder: G711Codec(law: .ulaw), encoder: try OpusCodec(sampleRate: 48000), configuration: .init(packetDuration: 100))
        }
    }

    /// Opus has no 30 ms frame: a 30 ms packet carries three 10 ms frames (RFC 6716 §3.2.5)
    /// and decodes as 30 ms of the same audio.
    @Test func opusThirtyMillisecondPacketsCarryThreeFrames() throws {
        let codec = try OpusCodec(sampleRate: 16000)
        let input = TestSignal.speech(rate: 16000, seconds: 0.6, bandLimit: 7000)
        let payloads = try packetize(input, codec: codec, milliseconds: 30)
        for payload in payloads {
            #expect(payload.first.map { $0 & 0x03 } == 3, "code 3 packet")
            #expect(payload.withUnsafeBytes { codec.sampleCount(of: $0) } == 480)
        }
        let output = try depacketize(payloads, codec: try OpusCodec(sampleRate: 16000))
        #expect(output.count == input.count)
        let lookahead = try codec.encoderLookahead()
        let best = SignalMeasure.bestLag(input, output, lags: (lookahead - 20)...(lookahead + 20), range: 3200..<9000)
        #expect(best.correlation > 0.85, "correlation \(best.correlation) at lag \(best.lag)")
    }
}
