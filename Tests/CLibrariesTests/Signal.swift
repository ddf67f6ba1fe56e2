import Foundation
import TestSupport

/// Small signal-processing helpers for the codec smoke tests: tone generation, single-frequency
/// power and SNR (level and correlation: `SignalMeasure` in TestSupport).
enum Signal {
    /// `count` samples of a sine of `frequency` Hz at `rate` Hz with peak `amplitude`.
    static func tone(frequency: Double, rate: Double, count: Int, amplitude: Double = 8000) -> [Int16] {
        (0..<count).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / rate)) }
    }

    /// Power of `frequency` in `samples` (Goertzel), normalised by length.
    static func power(at frequency: Double, rate: Double, in samples: some Collection<Int16>) -> Double {
        SignalMeasure.goertzelPower(at: frequency, rate: rate, in: samples) / Double(samples.count * samples.count)
    }

    /// Signal-to-noise ratio in dB of `output` against `reference` (same alignment).
    static func snr(reference: [Int16], output: [Int16]) -> Double {
        var signal = 0.0
        var noise = 0.0
        for (a, b) in zip(reference, output) {
            signal += Double(a) * Double(a)
            noise += (Double(a) - Double(b)) * (Double(a) - Double(b))
        }
        return 10 * log10(signal / max(noise, 1))
    }
}
