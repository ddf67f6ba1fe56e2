import Foundation
import TestSupport
import Testing
@testable import Transcoding

/// Frequency response of the polyphase resampler: flat pass band (±1 dB up to 0.425 of the
/// narrower rate), attenuated stop band (no aliases on decimation, no images on interpolation).
@Suite struct ResamplerTests {
    struct Pair: CustomTestStringConvertible, Sendable {
        let from: Int, to: Int
        var testDescription: String { "\(from)→\(to)" }
    }
    static let pairs = [Pair(from: 8000, to: 16000), Pair(from: 16000, to: 8000), Pair(from: 8000, to: 48000),
                        Pair(from: 48000, to: 8000), Pair(from: 16000, to: 48000), Pair(from: 48000, to: 16000)]

    /// Runs a tone through the resampler in 20 ms blocks; returns the settled output.
    func response(_ pair: Pair, frequency: Double) -> (input: Double, output: [Int16]) {
        let resampler = Resampler(from: pair.from, to: pair.to)
        let input = TestSignal.tone(frequency: frequency, rate: pair.from, count: pair.from / 2, amplitude: 10000)
        var output: [Int16] = []
        for start in stride(from: 0, to: input.count, by: pair.from / 50) {
            output += resampler.process(Array(input[start..<(start + pair.from / 50)]))
        }
        #expect(output.count == pair.to / 2)
        return (10000, Array(output.suffix(pair.to / 4)))
    }

    @Test(arguments: pairs)
    func passBandIsFlat(_ pair: Pair) {
        let band = Double(min(pair.from, pair.to))
        for fraction in [0.0375, 0.125, 0.25, 0.375, 0.425] {
            let frequency = band * fraction
            let (amplitude, output) = response(pair, frequency: frequency)
            let gain = 20 * log10(TestSignal.amplitude(at: frequency, rate: pair.to, in: output) / amplitude)
            #expect(abs(gain) < 1, "\(pair.testDescription): \(frequency) Hz gain \(gain) dB")
        }
    }

    @Test(arguments: pairs.filter { $0.from > $0.to })
    func decimationDoesNotAlias(_ pair: Pair) {
        // Tones above the output's Nyquist frequency must vanish (not fold back).
        let nyquist = Double(pair.to) / 2
        for frequency in [nyquist * 1.02, nyquist * 1.25, nyquist * 1.8] {
            let (amplitude, output) = response(pair, frequency: frequency)
            let level = 20 * log10(max(SignalMeasure.rms(output) * 2.squareRoot(), 1e-3) / amplitude)
            #expect(level < -50, "\(pair.testDescription): \(frequency) Hz leaks at \(level) dB")
        }
    }

    @Test(arguments: pairs.filter { $0.from < $0.to })
    func interpolationHasNoImages(_ pair: Pair) {
        // A 1 kHz tone upsampled has images at k·fin ± 1 kHz; they must be gone.
        let (amplitude, output) = response(pair, frequency: 1000)
        for image in [Double(pair.from) - 1000, Double(pair.from) + 1000] where image < Double(pair.to) / 2 {
            let level = 20 * log10(max(TestSignal.amplitude(at: image, rate: pair.to, in: output), 1e-3) / amplitude)
            #expect(level < -50, "\(pair.testDescription): image at \(image) Hz is \(level) dB")
        }
    }

    @Test func blockSizeDoesNotChangeTheOutput() {
        let input = TestSignal.speech(rate: 8000, seconds: 0.5)
        let whole = Resampler(from: 8000, to: 48000).process(input)
        let chunked = Resampler(from: 8000, to: 48000)
        var pieces: [Int16] = []
        var start = 0
        for size in [1, 7, 80, 160, 13, 240, 3].cycled(until: input.count) {
            let end = min(input.count, start + size)
            pieces += chunked.process(Array(input[start..<end]))
            start = end
            if start == input.count { break }
        }
        #expect(pieces == whole)
    }

    @Test func equalRatesPassThrough() {
        let input = TestSignal.speech(rate: 16000, seconds: 0.05)
        let resampler = Resampler(from: 16000, to: 16000)
        #expect(resampler.isIdentity && resampler.process(input) == input)
    }
}

extension Array {
    /// The elements repeated until `count` items have been produced.
    fileprivate func cycled(until count: Int) -> [Element] {
        (0..<count).map { self[$0 % self.count] }
    }
}
