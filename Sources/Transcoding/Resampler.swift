/// A streaming rational resampler for 16-bit mono PCM between telephony rates (8, 16, 24,
/// 48 kHz, or any pair with a small ratio): polyphase FIR with a Kaiser-windowed sinc
/// (`ResamplerFilter`), about 60 dB of stop-band attenuation, pass band flat to 0.425 of the
/// narrower rate (3.4 kHz for 8 kHz). Keeps its history between calls, so consecutive frames
/// join without clicks. Equal rates pass samples through.
///
/// Not Sendable; allocation-free after `init` as long as blocks stay within `maximumInput`.
public final class Resampler {
    /// The input rate in Hz.
    public let inputRate: Int
    /// The output rate in Hz.
    public let outputRate: Int
    /// Named limit: the most input samples one `process` call takes.
    public let maximumInput: Int

    private let up: Int
    private let down: Int
    private let filter: ResamplerFilter
    private var buffer: [Float]
    private let history: Int
    /// Time of the next output in 1/L input-sample units, relative to `buffer[0]`.
    private var position: Int

    /// A resampler from `inputRate` to `outputRate` taking at most `maximumInput` samples per
    /// call (default 120 ms at the input rate).
    public init(from inputRate: Int, to outputRate: Int, maximumInput: Int? = nil) {
        precondition(inputRate > 0 && outputRate > 0, "Transcoding: sample rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.maximumInput = maximumInput ?? inputRate * 120 / 1000
        let divisor = Self.gcd(inputRate, outputRate)
        up = outputRate / divisor
        down = inputRate / divisor
        filter = ResamplerFilter(up: up, inputRate: inputRate, bandRate: min(inputRate, outputRate))
        history = filter.tapsPerPhase - 1
        buffer = [Float](repeating: 0, count: history + self.maximumInput)
        position = history * up
    }

    /// Whether this resampler changes the rate at all.
    public var isIdentity: Bool { up == down }

    /// The output samples `inputCount` inputs produce at most (one more than the exact ratio
    /// when it is fractional).
    public func maximumOutput(forInput inputCount: Int) -> Int { (inputCount * up + down - 1) / down + 1 }

    /// The filter's delay in output samples (half the prototype length).
    public var delay: Int { isIdentity ? 0 : (filter.tapsPerPhase * up) / 2 / down }

    /// Resamples `input` into `output`; returns the samples written. `output` must hold
    /// `maximumOutput(forInput: input.count)`.
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        if isIdentity {
            let count = min(input.count, output.count)
            for index in 0..<count { output[index] = input[index] }
            return count
        }
        var written = 0
        var offset = 0
        while offset < input.count {
            let chunk = min(maximumInput, input.count - offset)
            written += processChunk(UnsafeBufferPointer(rebasing: input[offset..<(offset + chunk)]),
                                    into: UnsafeMutableBufferPointer(rebasing: output[written...]))
            offset += chunk
        }
        return written
    }

    /// Resamples an array (convenience; allocates).
    public func process(_ input: [Int16]) -> [Int16] {
        var output = [Int16](repeating: 0, count: maximumOutput(forInput: input.count))
        let count = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { process(source, into: $0) }
        }
        output.removeLast(output.count - count)
        return output
    }

    /// Forgets the history (a new stream).
    public func reset() {
        for index in 0..<history { buffer[index] = 0 }
        position = history * up
    }

    private func processChunk(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        let taps = filter.tapsPerPhase
        let up = self.up
        let down = self.down
        let history = self.history
        var position = self.position
        var written = 0
        buffer.withUnsafeMutableBufferPointer { samples in
            for index in 0..<input.count { samples[history + index] = Float(input[index]) }
            let filled = history + input.count
            filter.coefficients.withUnsafeBufferPointer { coefficients in
                let samplesBase = UnsafeRawPointer(samples.baseAddress!)
                let coefficientBase = UnsafeRawPointer(coefficients.baseAddress!)
                while written < output.count {
                    let newest = position / up
                    if newest >= filled { break }
                    let phase = position - newest * up
                    let window = samplesBase + (newest - taps + 1) * 4
                    let branch = coefficientBase + phase * taps * 4
                    var accumulator = SIMD8<Float>()
                    var k = 0
                    while k < taps {
                        accumulator += window.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                            * branch.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                        k += 8
                    }
                    let value = accumulator.sum().rounded()
                    output[written] = Int16(max(-32768, min(32767, value)))
                    written += 1
                    position += down
                }
            }
            // Keep the last `history` samples for the next call.
            let drop = filled - history
            if drop > 0 {
                for index in 0..<history { samples[index] = samples[index + drop] }
                position -= drop * up
            }
        }
        self.position = position
        return written
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
