import COpus
import Foundation
import TestSupport
import Testing

@Suite struct OpusSmokeTests {
    @Test func encodesAndDecodesOneFrame() throws {
        var error: Int32 = 0
        let encoder = try #require(opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error))
        defer { opus_encoder_destroy(encoder) }
        #expect(error == OPUS_OK)
        #expect(gh_opus_encoder_set_bitrate(encoder, 32000) == OPUS_OK)
        let decoder = try #require(opus_decoder_create(48000, 1, &error))
        defer { opus_decoder_destroy(decoder) }

        let samples = (0..<960).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 48000)) }
        var packet = [UInt8](repeating: 0, count: 1500)
        let length = opus_encode(encoder, samples, 960, &packet, 1500)
        #expect(length > 0)
        var decoded = [Int16](repeating: 0, count: 960)
        let count = opus_decode(decoder, packet, length, &decoded, 960, 0)
        #expect(count == 960)
    }

    /// A 440 Hz tone through Opus (48 kHz mono, 32 kbit/s, complexity 5, 20 ms frames) comes
    /// back as the same waveform, delayed by the encoder's lookahead.
    @Test func decodedToneMatchesInputAfterCodecDelay() throws {
        var error: Int32 = 0
        let encoder = try #require(opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error))
        defer { opus_encoder_destroy(encoder) }
        #expect(gh_opus_encoder_set_bitrate(encoder, 32000) == OPUS_OK)
        #expect(gh_opus_encoder_set_complexity(encoder, 5) == OPUS_OK)
        var lookahead: Int32 = 0
        #expect(gh_opus_encoder_get_lookahead(encoder, &lookahead) == OPUS_OK)
        #expect((48...960).contains(lookahead), "lookahead \(lookahead) samples")
        let decoder = try #require(opus_decoder_create(48000, 1, &error))
        defer { opus_decoder_destroy(decoder) }

        let frames = 15
        let input = Signal.tone(frequency: 440, rate: 48000, count: frames * 960)
        var output: [Int16] = []
        var totalBytes = 0
        for frame in 0..<frames {
            let pcm = Array(input[(frame * 960)..<((frame + 1) * 960)])
            var packet = [UInt8](repeating: 0, count: 1500)
            let length = opus_encode(encoder, pcm, 960, &packet, 1500)
            try #require(length > 0)
            totalBytes += Int(length)
            var decoded = [Int16](repeating: 0, count: 960)
            let count = opus_decode(decoder, packet, length, &decoded, 960, 0)
            try #require(count == 960)
            output.append(contentsOf: decoded)
        }
        // 32 kbit/s is 80 octets per 20 ms on average.
        let averageBytes = totalBytes / frames
        #expect((40...120).contains(averageBytes), "average \(averageBytes) octets per frame")

        // Skip the first 100 ms of warm-up; compare the rest against the input shifted by the
        // lookahead.
        let range = 4800..<(frames * 960 - Int(lookahead) - 64)
        let aligned = SignalMeasure.correlation(input, output, lag: Int(lookahead), range: range)
        #expect(aligned > 0.9, "correlation \(aligned) at the lookahead")
        // Shifted by half a period (about 55 samples at 440 Hz) the tone anti-correlates: the
        // check above is about alignment, not just "some tone came out".
        let halfPeriod = SignalMeasure.correlation(input, output, lag: Int(lookahead) + 55, range: range)
        #expect(halfPeriod < -0.5, "correlation \(halfPeriod) half a period off")
        // Searching within half a period of the lookahead finds a near-perfect match a few
        // samples from it (measured: 306 samples, correlation 0.99999).
        let delay = Int(lookahead)
        let best = SignalMeasure.bestLag(input, output, lags: (delay - 54)...(delay + 54), range: range)
        #expect(best.correlation > 0.99, "best correlation \(best.correlation) at lag \(best.lag)")
        #expect(abs(best.lag - delay) <= 16, "delay \(best.lag) samples, lookahead \(delay)")
        let levelRatio = SignalMeasure.rms(output[range]) / SignalMeasure.rms(input[range])
        #expect((0.7...1.3).contains(levelRatio), "level ratio \(levelRatio)")
    }
}
