import Foundation

/// Signal measures shared by the codec tests (CLibrariesTests, TranscodingTests): level,
/// single-frequency power (Goertzel) and normalised correlation at a lag.
public enum SignalMeasure {
    /// Root-mean-square level (0 for no samples).
    public static func rms(_ samples: some Collection<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        return (samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)).squareRoot()
    }

    /// The Goertzel filter's squared magnitude for `frequency` over `samples` at `rate` Hz, not
    /// normalised: a sine of amplitude A over N samples gives about (A·N/2)².
    public static func goertzelPower(at frequency: Double, rate: Double, in samples: some Collection<Int16>) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / rate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
    }

    /// Normalised cross-correlation of `reference[i]` with `output[i + lag]` over the `i` in
    /// `range` that both hold; 0 when either side is silent there.
    public static func correlation(_ reference: [Int16], _ output: [Int16], lag: Int, range: Range<Int>) -> Double {
        var crossSum = 0.0
        var referenceEnergy = 0.0
        var outputEnergy = 0.0
        for index in range where index + lag >= 0 && index + lag < output.count && index < reference.count {
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
    public static func bestLag(_ reference: [Int16], _ output: [Int16], lags: ClosedRange<Int>, range: Range<Int>) -> (lag: Int, correlation: Double) {
        var best = (lag: lags.lowerBound, correlation: -Double.infinity)
        for lag in lags {
            let value = correlation(reference, output, lag: lag, range: range)
            if value > best.correlation { best = (lag, value) }
        }
        return best
    }
}
