import CSpanDSP
import DTMF
import Foundation
import TestSupport
import Testing

/// Tone power at one frequency (Goertzel), normalised by length.
func power(at frequency: Double, in samples: ArraySlice<Int16>) -> Double {
    SignalMeasure.goertzelPower(at: frequency, rate: 8000, in: samples) / Double(max(1, samples.count * samples.count))
}

@Suite struct InBandTests {
    /// Generates `digits` (each `milliseconds` long) into 20 ms frames over a quiet 300 Hz
    /// background, plus 300 ms of tail.
    static func generate(_ digits: [DTMFDigit], milliseconds: Int, blend: InBandDTMFGenerator.Blend = .replace) throws -> [[Int16]] {
        let generator = try #require(InBandDTMFGenerator(gapMilliseconds: 100))
        for digit in digits { generator.enqueue(digit, milliseconds: milliseconds) }
        var frames: [[Int16]] = []
        var phase = 0.0
        var tail = 0
        while tail < 15, frames.count < 2000 {
            var frame = (0..<160).map { _ -> Int16 in
                phase += 2 * Double.pi * 300 / 8000
                return Int16(300 * sin(phase))
            }
            if !generator.fill(&frame, blend: blend) { tail += 1 }
            frames.append(frame)
        }
        return frames
    }

    /// Runs frames through a detector; returns its events in comparable form.
    static func detect(_ frames: [[Int16]], transform: (Int16) -> Int16 = { $0 }) throws -> [Seen] {
        let detector = try #require(InBandDTMFDetector())
        var seen: [Seen] = []
        for (index, frame) in frames.enumerated() {
            seen += detector.process(frame.map(transform), at: ms(index * 20)).map(Seen.init)
        }
        return seen
    }

    static let allDigits = DTMFDigit.sequence("1590#*ABCD")!

    @Test func generatedDigitsAreDetectedWithTheirDurations() throws {
        let seen = try Self.detect(try Self.generate(Self.allDigits, milliseconds: 120))
        #expect(seen.filter { $0.end == nil }.map(\.digit).joined() == "1590#*ABCD")
        let durations = seen.compactMap(\.end)
        #expect(durations.count == 10)
        // Reports are at 20 ms frame granularity with detector latency at both ends.
        #expect(durations.allSatisfy { abs($0 - 120) <= 40 }, "\(durations)")
    }

    @Test(arguments: [Int32(G711_ULAW), Int32(G711_ALAW)])
    func digitsSurviveG711(_ law: Int32) throws {
        let frames = try Self.generate(DTMFDigit.sequence("147*2580369#")!, milliseconds: 80)
        let seen = try Self.detect(frames) { sample in
            law == Int32(G711_ULAW) ? ulaw_to_linear(linear_to_ulaw(Int32(sample))) : alaw_to_linear(linear_to_alaw(Int32(sample)))
        }
        #expect(seen.filter { $0.end == nil }.map(\.digit).joined() == "147*2580369#")
    }

    @Test func spandspBlockCoderPathAlsoWorks() throws {
        let state = try #require(g711_init(nil, Int32(G711_ALAW)))
        defer { g711_free(state) }
        var decodedFrames: [[Int16]] = []
        for frame in try Self.generate([.seven, .eight], milliseconds: 100) {
            var encoded = [UInt8](repeating: 0, count: 160)
            _ = g711_encode(state, &encoded, frame, 160)
            var decoded = [Int16](repeating: 0, count: 160)
            _ = g711_decode(state, &decoded, encoded, 160)
            decodedFrames.append(decoded)
        }
        #expect(try Self.detect(decodedFrames).filter { $0.end == nil }.map(\.digit) == ["7", "8"])
    }

    @Test func mixedIntoAudioStillDetected() throws {
        let seen = try Self.detect(try Self.generate([.three, .pound], milliseconds: 100, blend: .mix))
        #expect(seen.filter { $0.end == nil }.map(\.digit) == ["3", "#"])
    }

    @Test func silenceAndSpeechBandToneGiveNothing() throws {
        #expect(try Self.detect(Array(repeating: [Int16](repeating: 0, count: 160), count: 50)).isEmpty)
        let hum = (0..<8000).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 8000)) }
        #expect(try Self.detect(stride(from: 0, to: 8000, by: 160).map { Array(hum[$0..<$0 + 160]) }).isEmpty)
    }

    @Test func generatorHonoursDurationAndLeavesFramesAloneWhenIdle() throws {
        let generator = try #require(InBandDTMFGenerator(gapMilliseconds: 40))
        var idle = [Int16](repeating: 7, count: 160)
        #expect(!generator.fill(&idle))
        #expect(idle.allSatisfy { $0 == 7 })
        generator.enqueue(.one, milliseconds: 250)
        var tone: [Int16] = []
        while generator.isActive {
            var frame = [Int16](repeating: 0, count: 160)
            generator.fill(&frame)
            tone += frame
        }
        // 250 ms of tone then 40 ms of gap; the tone region has 697 Hz energy, the gap none.
        #expect(abs(tone.count - 2320) <= 160, "\(tone.count)")
        #expect(power(at: 697, in: tone[0..<2000]) > 100 * power(at: 941, in: tone[0..<2000]))
        #expect(tone[2000...].filter { $0 != 0 }.count < 16)
    }

    /// Digits re-sent as events: the remover takes the tones out of the forwarded audio.
    @Test(arguments: [InBandToneRemover.Replacement.silence, .noise(amplitude: 4)])
    func toneRemoverStripsTheDigitButKeepsTheRest(_ replacement: InBandToneRemover.Replacement) throws {
        let input = try Self.generate([.one, .nine], milliseconds: 150)
        let detector = try #require(InBandDTMFDetector())
        var remover = InBandToneRemover(lookaheadFrames: 2, replacement: replacement)
        var output: [[Int16]] = []
        var detected: [Seen] = []
        for (index, frame) in input.enumerated() {
            detected += detector.process(frame, at: ms(index * 20)).map(Seen.init)
            var passed = frame
            remover.process(&passed, toneActive: detector.toneActive)
            output.append(passed)
        }
        #expect(detected.filter { $0.end == nil }.map(\.digit) == ["1", "9"])
        // The output, two frames late, carries no detectable digit and no DTMF energy.
        #expect(try Self.detect(output).isEmpty)
        let inputTone = power(at: 1209, in: Array(input.joined())[...])
        let outputTone = power(at: 1209, in: Array(output.joined())[...])
        #expect(outputTone < inputTone / 1000, "\(outputTone) vs \(inputTone)")
        // The background after the digits passes unchanged, delayed by the lookahead.
        let last = input.count - 1
        #expect(output[last] == input[last - 2])
    }

    @Test func removerWithoutToneIsAPureDelay() {
        var remover = InBandToneRemover(lookaheadFrames: 1)
        var first = [Int16](repeating: 5, count: 4)
        remover.process(&first, toneActive: false)
        #expect(first == [0, 0, 0, 0])
        var second = [Int16](repeating: 6, count: 4)
        remover.process(&second, toneActive: false)
        #expect(second == [5, 5, 5, 5])
    }
}
