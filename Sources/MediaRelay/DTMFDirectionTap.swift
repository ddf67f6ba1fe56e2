import DTMF
import NIOCore
import Transcoding

/// The `AudioTap` on one transcoded direction (ingress leg → the other leg): runs spandsp's
/// detector on the ingress leg's decoded audio, strips detected tones, and writes tones
/// requested for the egress leg, all before the audio is encoded.
///
/// The pipeline hands it mono PCM at the encoder's rate (8, 16 or 48 kHz); spandsp works at
/// 8 kHz, so detection runs on a downsampled copy and generated tones are upsampled.
final class DTMFDirectionTap: AudioTap {
    /// Stripping delays the audio by this much so a tone's onset, heard before the detector
    /// reports it, is stripped too (spandsp needs about 25 ms of a clean tone).
    static let removalDelayMilliseconds = 40

    let ingress: MediaLeg
    let events: MediaEventSink
    /// Detection of the ingress leg's tones, when configured.
    var detector: InBandDTMFDetector?
    /// Whether detected tones are stripped.
    var removesTones = false
    /// Tones toward the egress leg (owned by its `LegDTMF`).
    var generator: InBandDTMFGenerator?

    private var rate = 0
    private var down: Resampler?
    private var up: Resampler?
    private var narrow: [Int16] = []
    private var tone: [Int16] = []
    private var wide: [Int16] = []
    private var delayLine: [Int16] = []
    private var delayMuted: [Bool] = []
    private var delayPosition = 0
    private var hangover = 0

    init(ingress: MediaLeg, events: MediaEventSink) {
        self.ingress = ingress
        self.events = events
    }

    /// Whether the tap has anything to do.
    var isNeeded: Bool { detector != nil || generator != nil }

    func process(_ samples: UnsafeMutableBufferPointer<Int16>, sampleRate: Int, timestamp: UInt32) {
        guard !samples.isEmpty, sampleRate > 0 else { return }
        if sampleRate != rate { prepare(rate: sampleRate) }
        if let detector {
            detect(samples, with: detector)
            if removesTones { strip(samples, toneActive: detector.toneActive) }
        }
        if let generator, generator.isActive { writeTone(into: samples, from: generator) }
    }

    private func prepare(rate: Int) {
        self.rate = rate
        down = rate == InBandDTMFDetector.sampleRate ? nil : Resampler(from: rate, to: InBandDTMFDetector.sampleRate)
        up = rate == InBandDTMFDetector.sampleRate ? nil : Resampler(from: InBandDTMFDetector.sampleRate, to: rate)
        let length = max(1, rate * Self.removalDelayMilliseconds / 1000)
        delayLine = [Int16](repeating: 0, count: length)
        delayMuted = [Bool](repeating: false, count: length)
        delayPosition = 0
        hangover = 0
    }

    private func detect(_ samples: UnsafeMutableBufferPointer<Int16>, with detector: InBandDTMFDetector) {
        let found: [DTMFEvent]
        let now = NIODeadline.now()
        if let down {
            let capacity = down.maximumOutput(forInput: samples.count)
            if narrow.count < capacity { narrow = [Int16](repeating: 0, count: capacity) }
            let produced = narrow.withUnsafeMutableBufferPointer { down.process(UnsafeBufferPointer(samples), into: $0) }
            found = narrow.withUnsafeBufferPointer { detector.process(UnsafeBufferPointer(rebasing: $0[0..<produced]), at: now) }
        } else {
            found = detector.process(UnsafeBufferPointer(samples), at: now)
        }
        for event in found { events.yield(.dtmf(leg: ingress, event: event)) }
    }

    /// A delay line: every sample leaves `removalDelayMilliseconds` late; samples inside a
    /// tone (and the delay before its report, and as long again after it) leave as silence.
    private func strip(_ samples: UnsafeMutableBufferPointer<Int16>, toneActive: Bool) {
        let length = delayLine.count
        if toneActive {
            for index in delayMuted.indices { delayMuted[index] = true }
            hangover = length
        }
        for index in samples.indices {
            let out = delayMuted[delayPosition] ? 0 : delayLine[delayPosition]
            delayLine[delayPosition] = samples[index]
            delayMuted[delayPosition] = toneActive || hangover > 0
            if hangover > 0 { hangover -= 1 }
            samples[index] = out
            delayPosition = (delayPosition + 1) % length
        }
    }

    private func writeTone(into samples: UnsafeMutableBufferPointer<Int16>, from generator: InBandDTMFGenerator) {
        guard let up else {
            generator.fill(samples)
            return
        }
        // 8 kHz tone for as many samples as this block covers, upsampled over the block.
        let narrowCount = max(1, samples.count * InBandDTMFDetector.sampleRate / rate)
        if tone.count < narrowCount { tone = [Int16](repeating: 0, count: narrowCount) }
        tone.withUnsafeMutableBufferPointer { buffer in
            let slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<narrowCount])
            for index in slice.indices { slice[index] = 0 }
            generator.fill(slice)
        }
        let capacity = up.maximumOutput(forInput: narrowCount)
        if wide.count < capacity { wide = [Int16](repeating: 0, count: capacity) }
        let produced = tone.withUnsafeBufferPointer { narrowTone in
            wide.withUnsafeMutableBufferPointer { up.process(UnsafeBufferPointer(rebasing: narrowTone[0..<narrowCount]), into: $0) }
        }
        for index in samples.indices { samples[index] = index < produced ? wide[index] : 0 }
    }
}
