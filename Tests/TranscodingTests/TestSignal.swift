import Foundation
import TestSupport
import Transcoding

/// Speech-like test signals and quality measures for the codec and pipeline tests.
enum TestSignal {
    /// A deterministic speech-like signal at `rate`: a glottal-like harmonic series whose pitch
    /// glides between 95 and 230 Hz, shaped by two moving formant peaks, under a syllable
    /// envelope (about 4 syllables a second with short pauses). Harmonics stop at `bandLimit`.
    static func speech(rate: Int, seconds: Double, bandLimit: Double = 3400, peak: Double = 12000) -> [Int16] {
        let count = Int(Double(rate) * seconds)
        var output = [Double](repeating: 0, count: count)
        var phase = [Double](repeating: 0, count: 64)
        for n in 0..<count {
            let t = Double(n) / Double(rate)
            let pitch = 160 + 65 * sin(2 * .pi * 0.7 * t) + 15 * sin(2 * .pi * 2.3 * t)
            let formant1 = 600 + 250 * sin(2 * .pi * 1.1 * t)
            let formant2 = 1700 + 600 * sin(2 * .pi * 0.8 * t + 1)
            let syllable = max(0, sin(2 * .pi * 2.1 * t))
            let envelope = pow(syllable, 0.6) * (0.55 + 0.45 * sin(2 * .pi * 0.37 * t))
            var sample = 0.0
            for k in 1..<phase.count {
                let frequency = pitch * Double(k)
                if frequency > bandLimit { break }
                phase[k] += 2 * .pi * frequency / Double(rate)
                let weight = 1 / (1 + pow((frequency - formant1) / 150, 2)) + 0.6 / (1 + pow((frequency - formant2) / 250, 2)) + 0.05
                sample += weight * sin(phase[k]) / sqrt(Double(k))
            }
            output[n] = sample * envelope
        }
        let maximum = output.map(abs).max() ?? 1
        return output.map { Int16(($0 / maximum * peak).rounded()) }
    }

    static func tone(frequency: Double, rate: Int, count: Int, amplitude: Double = 10000) -> [Int16] {
        (0..<count).map { Int16((amplitude * sin(2 * .pi * frequency * Double($0) / Double(rate))).rounded()) }
    }

    /// Amplitude of the `frequency` component (Goertzel), for a sine of amplitude A about A.
    static func amplitude(at frequency: Double, rate: Int, in samples: some Collection<Int16>) -> Double {
        2 * SignalMeasure.goertzelPower(at: frequency, rate: Double(rate), in: samples).squareRoot() / Double(samples.count)
    }

    /// Segmental SNR in dB (ITU-style: 10 ms segments, each clamped to −10…35 dB, silent
    /// reference segments skipped), with `output` shifted by `lag`.
    static func segmentalSNR(reference: [Int16], output: [Int16], lag: Int, segment: Int, range: Range<Int>) -> Double {
        var total = 0.0, segments = 0
        var start = range.lowerBound
        while start + segment <= range.upperBound {
            var signal = 0.0, noise = 0.0
            for index in start..<(start + segment) where index + lag >= 0 && index + lag < output.count {
                let a = Double(reference[index]), b = Double(output[index + lag])
                signal += a * a
                noise += (a - b) * (a - b)
            }
            if signal / Double(segment) > 100 * 100 {
                total += min(35, max(-10, 10 * log10(signal / max(noise, 1))))
                segments += 1
            }
            start += segment
        }
        return segments == 0 ? -.infinity : total / Double(segments)
    }
}

/// Encodes `pcm` with `codec` in `milliseconds` frames.
func packetize(_ pcm: [Int16], codec: any AudioCodec, milliseconds: Int = 20) throws -> [[UInt8]] {
    let frame = codec.samples(milliseconds: milliseconds) * codec.channels
    return try stride(from: 0, to: pcm.count - frame + 1, by: frame).map { try codec.encode(Array(pcm[$0..<($0 + frame)])) }
}

/// Decodes payloads in order with `codec`.
func depacketize(_ payloads: [[UInt8]], codec: any AudioCodec) throws -> [Int16] {
    try payloads.flatMap { try codec.decode($0) }
}
