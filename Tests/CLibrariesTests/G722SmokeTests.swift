import CSpanDSP
import TestSupport
import Testing

/// G.722 through spandsp: 16 kHz samples in, 64 kbit/s out (one octet per two samples), while
/// the RTP clock stays 8000 (RFC 3551 §4.5.2), so 20 ms is 320 samples, 160 octets and a
/// timestamp step of 160.
@Suite struct G722SmokeTests {
    static let sampleRate = 16000.0
    static let samplesPer20ms = 320
    static let octetsPer20ms = 160
    static let rtpTimestampStepPer20ms = 160

    /// Encodes and decodes `input` 20 ms at a time, as a relay would frame it.
    func roundTrip(_ input: [Int16]) throws -> (encodedOctets: Int, decoded: [Int16]) {
        let encoder = try #require(g722_encode_init(nil, 64000, 0))
        defer { g722_encode_free(encoder) }
        let decoder = try #require(g722_decode_init(nil, 64000, 0))
        defer { g722_decode_free(decoder) }
        var decoded: [Int16] = []
        var encodedOctets = 0
        for start in stride(from: 0, to: input.count, by: Self.samplesPer20ms) {
            let frame = Array(input[start..<min(start + Self.samplesPer20ms, input.count)])
            var payload = [UInt8](repeating: 0, count: Self.octetsPer20ms)
            let octets = Int(g722_encode(encoder, &payload, frame, Int32(frame.count)))
            #expect(octets == frame.count / 2)
            encodedOctets += octets
            var samples = [Int16](repeating: 0, count: Self.samplesPer20ms)
            let count = Int(g722_decode(decoder, &samples, payload, Int32(octets)))
            #expect(count == frame.count)
            decoded.append(contentsOf: samples.prefix(count))
        }
        return (encodedOctets, decoded)
    }

    @Test(arguments: [1000.0, 6000.0])
    func toneSurvivesRoundTrip(_ frequency: Double) throws {
        // 10 frames = 200 ms; 6 kHz only fits because G.722 is wideband (G.711 stops at 4 kHz).
        let input = Signal.tone(frequency: frequency, rate: Self.sampleRate, count: 10 * Self.samplesPer20ms)
        let (encodedOctets, decoded) = try roundTrip(input)
        #expect(encodedOctets == 10 * Self.octetsPer20ms)
        #expect(decoded.count == input.count)
        // Skip the first 20 ms while the ADPCM predictors settle.
        let settled = decoded[Self.samplesPer20ms...]
        let levelRatio = SignalMeasure.rms(settled) / SignalMeasure.rms(input[Self.samplesPer20ms...])
        #expect((0.8...1.25).contains(levelRatio), "level ratio \(levelRatio)")
        let wanted = Signal.power(at: frequency, rate: Self.sampleRate, in: settled)
        for other in [500.0, 2000.0, 3000.0, 7000.0] where other != frequency {
            let unwanted = Signal.power(at: other, rate: Self.sampleRate, in: settled)
            #expect(wanted > 100 * unwanted, "\(frequency) Hz vs \(other) Hz")
        }
        // The QMF filter bank delays the signal by a few samples; aligned, the waveform matches.
        let best = SignalMeasure.bestLag(input, decoded, lags: 0...64, range: 640..<3000)
        #expect(best.correlation > 0.95, "correlation \(best.correlation) at lag \(best.lag)")
    }

    @Test func silenceStaysQuiet() throws {
        let (_, decoded) = try roundTrip([Int16](repeating: 0, count: 4 * Self.samplesPer20ms))
        #expect(SignalMeasure.rms(decoded) < 50)
    }

    @Test func rtpClockIsHalfTheSampleRate() {
        #expect(Self.rtpTimestampStepPer20ms * 2 == Self.samplesPer20ms)
        #expect(Int(Self.sampleRate) / 50 == Self.samplesPer20ms)
    }
}
