import TestSupport
import Testing
@testable import Transcoding

/// Whole calls through two pipelines (there and back) with quality thresholds, measured on the
/// speech-like signal against the original after the best alignment.
@Suite struct PipelineChainTests {
    /// PCMU → pipeline(first) → pipeline(second) → PCMU-like codec decode; returns aligned quality.
    func chain(source: any AudioCodec, middle: CodecFormat, sink: () throws -> any AudioCodec, seconds: Double = 2) throws -> (correlation: Double, snr: Double, lag: Int) {
        let registry = CodecRegistry.standard
        let input = TestSignal.speech(rate: source.sampleRate, seconds: seconds)
        let payloads = try packetize(input, codec: source)
        let sourceDecoder = try registry.makeCodec(for: CodecFormat(encodingName: source.name, clockRate: source.rtpClockRate))
        let middleEncoder = try registry.makeCodec(for: middle, settings: CodecSettings(preferredSampleRate: sourceDecoder.sampleRate))
        let there = try TranscodingPipeline(decoder: sourceDecoder, encoder: middleEncoder)
        let middlePackets = there.run(rtpPackets(payloads, step: source.timestampUnits(milliseconds: 20)))
        let finalEncoder = try sink()
        let middleDecoder = try registry.makeCodec(for: middle, settings: CodecSettings(preferredSampleRate: finalEncoder.sampleRate))
        let back = try TranscodingPipeline(decoder: middleDecoder, encoder: finalEncoder)
        let finalPackets = back.run(middlePackets.map { TestPacket(payload: $0.payload, sequenceNumber: $0.sequenceNumber, timestamp: $0.timestamp, marker: $0.marker) })
        #expect(finalPackets.count >= payloads.count)
        let output = try depacketize(finalPackets.map(\.payload), codec: try sink())
        let rate = source.sampleRate
        let range = (rate / 5)..<(input.count - rate / 10)
        let best = SignalMeasure.bestLag(input, output, lags: 0...(rate / 25), range: range)
        let snr = TestSignal.segmentalSNR(reference: input, output: output, lag: best.lag, segment: rate / 100, range: range)
        return (best.correlation, snr, best.lag)
    }

    @Test func pcmuOpusPCMU() throws {
        let result = try chain(source: G711Codec(law: .ulaw), middle: .opus, sink: { G711Codec(law: .ulaw) })
        #expect(result.correlation > 0.9, "correlation \(result.correlation) at lag \(result.lag)")
        #expect(result.lag < 120, "Opus at 8 kHz without resampling: a short delay (\(result.lag) samples)")
    }

    @Test func pcmuG722PCMU() throws {
        let result = try chain(source: G711Codec(law: .ulaw), middle: .g722, sink: { G711Codec(law: .ulaw) })
        #expect(result.correlation > 0.95, "correlation \(result.correlation) at lag \(result.lag)")
        // Two resamplings leave a fractional-sample delay that the integer alignment cannot
        // remove; measured 9.9 dB (a broken filter or codec gives below 0).
        #expect(result.snr > 8, "segmental SNR \(result.snr) dB")
    }

    @Test func pcmaPCMUPCMA() throws {
        let result = try chain(source: G711Codec(law: .alaw), middle: .pcmu, sink: { G711Codec(law: .alaw) })
        #expect(result.lag == 0)
        #expect(result.snr > 25, "segmental SNR \(result.snr) dB")
    }

    @Test func g722OpusG722() throws {
        let result = try chain(source: G722Codec(), middle: .opus, sink: { G722Codec() })
        #expect(result.correlation > 0.85, "correlation \(result.correlation) at lag \(result.lag)")
    }

    @Test func stereoOpusLegIsUpmixedAndDownmixed() throws {
        let stereo = CodecFormat(encodingName: "opus", clockRate: 48000, channels: 2, fmtp: "stereo=1;sprop-stereo=1")
        let result = try chain(source: G711Codec(law: .ulaw), middle: stereo, sink: { G711Codec(law: .ulaw) })
        #expect(result.correlation > 0.85, "correlation \(result.correlation) at lag \(result.lag)")
    }
}
