import Foundation

/// The prototype low-pass filter of a `Resampler`: a Kaiser-windowed sinc, split into `phases`
/// polyphase branches of `tapsPerPhase` taps each (padded with zeros to a multiple of 8 for
/// SIMD), stored time-reversed so that each output is one forward dot product.
struct ResamplerFilter {
    /// Interpolation factor L (polyphase branches).
    let phases: Int
    /// Taps per branch, a multiple of 8.
    let tapsPerPhase: Int
    /// Branch p's taps at `p * tapsPerPhase ..< (p + 1) * tapsPerPhase`, reversed.
    let coefficients: [Float]

    /// Designs the filter for a rate change by L/M (`up`/`down`, reduced) where the narrower
    /// side has `bandRate` Hz: the pass band ends at 0.425 × bandRate (3.4 kHz at 8 kHz), the
    /// stop band starts at 0.5 × bandRate (nothing folds back on decimation), and the stop band
    /// is attenuated by `attenuation` dB (Kaiser's formulas for β and the length).
    init(up: Int, inputRate: Int, bandRate: Int, attenuation: Double = 60) {
        let filterRate = Double(inputRate * up)
        let passEdge = 0.425 * Double(bandRate)
        let stopEdge = 0.5 * Double(bandRate)
        let cutoff = (passEdge + stopEdge) / 2 / filterRate          // cycles per sample
        let transition = 2 * Double.pi * (stopEdge - passEdge) / filterRate
        let beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7) : 0.5842 * pow(attenuation - 21, 0.4) + 0.07886 * (attenuation - 21)
        var length = Int(((attenuation - 8) / (2.285 * transition)).rounded(.up)) + 1
        length = (length + up - 1) / up * up
        let perPhase = length / up
        let padded = (perPhase + 7) / 8 * 8

        var prototype = [Double](repeating: 0, count: length)
        let middle = Double(length - 1) / 2
        for n in 0..<length {
            let x = Double(n) - middle
            let sinc = x == 0 ? 2 * cutoff : sin(2 * Double.pi * cutoff * x) / (Double.pi * x)
            let ratio = 2 * Double(n) / Double(length - 1) - 1
            prototype[n] = sinc * Self.besselI0(beta * (1 - ratio * ratio).squareRoot()) / Self.besselI0(beta)
        }
        // Unity gain at DC for each branch on average: the sum over all taps is L.
        let sum = prototype.reduce(0, +)
        let scale = Double(up) / sum

        var coefficients = [Float](repeating: 0, count: up * padded)
        for phase in 0..<up {
            for k in 0..<perPhase {
                // Output at sub-sample phase p uses prototype taps p + k·L against x[i - k];
                // reversed so that index 0 multiplies the oldest sample of the window.
                coefficients[phase * padded + (padded - 1 - k)] = Float(prototype[phase + k * up] * scale)
            }
        }
        self.phases = up
        self.tapsPerPhase = padded
        self.coefficients = coefficients
    }

    /// The zeroth-order modified Bessel function of the first kind (power series).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        let half = x / 2
        for k in 1..<40 {
            term *= (half / Double(k)) * (half / Double(k))
            sum += term
            if term < sum * 1e-12 { break }
        }
        return sum
    }
}
