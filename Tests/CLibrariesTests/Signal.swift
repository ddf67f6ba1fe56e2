import Foundation

/// Small signal-processing helpers for the codec smoke tests: tone generation, energy,
/// single-frequency power (Goertzel) and normalised correlation at a lag.
enum Signal {
    /// `count` samples of a sine of `frequency` Hz at `rate` Hz with peak `amplitude`.
    static func tone(frequency: Double, rate: Double, count: Int, amplitude: Double = 8000) -> [Int16] {
        (0..<count).map { Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / rate)) }
    }

    /// Root-mean-square level.
    static func rms(_ samples: some Collection<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// Power of `frequency` in `samples` (Goertzel), normalised by length.
    static func power(at frequency: Double, rate: Double, in samples: some Collection<Int16>) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / rate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return power / Double(samples.count * samples.count)
    }

    /// Normalised cross-correlation of `reference[i]` with `output[i + lag]` over `range` of i.
    static func correlation(_ reference: [Int16], _ output: [Int16], lag: Int, range: Range<Int>) -> Double {
        var crossSum = 0.0
        var referenceEnergy = 0.0
        var outputEnergy = 0.0
        for index in range where index + lag < output.count && index + lag >= 0 {
            let a = Double(reference[index])
            let b = Double(output[index + lag])
            crossSum += a * b
            referenceEnergy += a * a
            outputEnergy += b * b
        }
        guard referenceEnergy > 0, outputEnergy > 0 else { return 0 }
        return crossSum / (referenceEnergy * outputEnergy).squareRoot()
    }

    /// The lag in `lags` with the highest correlation, and that correlation.
    static func bestLag(_ reference: [Int16], _ output: [Int16], lags: ClosedRange<Int>, range: Range<Int>) -> (lag: Int, correlation: Double) {
        var best = (lag: lags.lowerBound, correlation: -Double.infinity)
        for lag in lags {
            let value = correlation(reference, output, lag: lag, range: range)
            if value > best.correlation { best = (lag, value) }
        }
        return best
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
