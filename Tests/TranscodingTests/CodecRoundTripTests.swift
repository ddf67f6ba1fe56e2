import CSpanDSP
import TestSupport
import Testing
@testable import Transcoding

/// Each codec round trip on a speech-like signal, with a quality measure suited to it:
/// segmental SNR for the waveform coders, aligned correlation for Opus.
@Suite struct CodecRoundTripTests {
    @Test(arguments: [G711Codec.Law.ulaw, .alaw])
    func g711SpeechHasCompandingQuality(_ law: G711Codec.Law) throws {
        let codec = G711Codec(law: law)
        let input = TestSignal.speech(rate: 8000, seconds: 1)
        let payloads = try packetize(input, codec: codec)
        #expect(payloads.count == 50)
        #expect(payloads.allSatisfy { $0.count == 160 })
        let output = try depacketize(payloads, codec: codec)
        // G.711 keeps about 38 dB for loud speech; segmental SNR over voiced parts stays above 30.
        let snr = TestSignal.segmentalSNR(reference: input, output: output, lag: 0, segment: 80, range: 0..<8000)
        #expect(snr > 30, "segmental SNR \(snr) dB")
    }

    @Test(arguments: [G711Codec.Law.ulaw, .alaw])
    func g711TablesMatchSpanDSPForEveryInput(_ law: G711Codec.Law) throws {
        let codec = G711Codec(law: law)
        let input = (-32768...32767).map { Int16($0) }
        let encoded = try codec.encode(input)
        var mismatches = 0
        for (index, sample) in input.enumerated() {
            let reference = law == .ulaw ? linear_to_ulaw(Int32(sample)) : linear_to_alaw(Int32(sample))
            if encoded[index] != reference { mismatches += 1 }
        }
        #expect(mismatches == 0)
        let decoded = try codec.decode(Array(0...255).map { UInt8($0) })
        #expect(decoded == (0...255).map { law == .ulaw ? ulaw_to_linear(UInt8($0)) : alaw_to_linear(UInt8($0)) })
    }

    @Test func g722SpeechRoundTrip() throws {
        let codec = G722Codec()
        #expect(codec.rtpClockRate == 8000 && codec.sampleRate == 16000)
        let input = TestSignal.speech(rate: 16000, seconds: 1, bandLimit: 7000)
        let payloads = try packetize(input, codec: codec)
        #expect(payloads.allSatisfy { $0.count == 160 }, "64 kbit/s: 160 octets per 20 ms")
        let output = try depacketize(payloads, codec: codec)
        #expect(output.count == input.count)
        let best = SignalMeasure.bestLag(input, output, lags: 0...60, range: 1600..<15000)
        #expect(best.correlation > 0.97, "correlation \(best.correlation) at lag \(best.lag)")
        let snr = TestSignal.segmentalSNR(reference: input, output: output, lag: best.lag, segment: 160, range: 1600..<15000)
        #expect(snr > 12, "segmental SNR \(snr) dB")
    }

    @Test(arguments: [8000, 16000, 48000])
    func opusSpeechRoundTrip(_ rate: Int) throws {
        let codec = try OpusCodec(sampleRate: rate)
        let lookahead = try codec.encoderLookahead()
        let input = TestSignal.speech(rate: rate, seconds: 1.5, bandLimit: min(7000, Double(rate) * 0.42))
        let payloads = try packetize(input, codec: codec)
        let bytes = payloads.reduce(0) { $0 + $1.count }
        // 32 kbit/s default: at most 80 octets per 20 ms on average (VBR spends less on
        // narrowband and wideband speech: measured 36 and 33 octets).
        let expected = rate == 48000 ? 50...100 : 20...100
        #expect(expected.contains(bytes / payloads.count), "average \(bytes / payloads.count) octets")
        let output = try depacketize(payloads, codec: codec)
        #expect(output.count == input.count)
        let range = (rate / 5)..<(input.count - lookahead - rate / 50)
        let best = SignalMeasure.bestLag(input, output, lags: (lookahead - rate / 500)...(lookahead + rate / 500), range: range)
        #expect(best.correlation > 0.9, "correlation \(best.correlation) at lag \(best.lag), lookahead \(lookahead)")
        let level = SignalMeasure.rms(output[range]) / SignalMeasure.rms(input[range])
        #expect((0.8...1.2).contains(level), "level ratio \(level)")
    }

    @Test func opusSampleCountFromPacket() throws {
        let codec = try OpusCodec(sampleRate: 16000)
        for milliseconds in [10, 20, 40, 60] {
            let payload = try codec.encode([Int16](repeating: 0, count: codec.samples(milliseconds: milliseconds)))
            let count = payload.withUnsafeBytes { codec.sampleCount(of: $0) }
            #expect(count == 16 * milliseconds)
        }
        #expect(throws: CodecError.unsupportedFrameSize(400)) { try codec.encode([Int16](repeating: 0, count: 400)) }
        #expect(throws: CodecError.malformedPayload) { try codec.decode([]) }
    }

    @Test func l16IsBigEndianAndLossless() throws {
        let codec = try L16Codec(rate: 16000)
        let payload = try codec.encode([0x0102, -2])
        #expect(payload == [0x01, 0x02, 0xFF, 0xFE])
        let input = TestSignal.speech(rate: 16000, seconds: 0.1, bandLimit: 7000)
        #expect(try depacketize(try packetize(input, codec: codec), codec: codec) == input)
        #expect(throws: CodecError.malformedPayload) { try codec.decode([1, 2, 3]) }
        #expect(throws: CodecError.self) { try L16Codec(rate: 44100) }
    }

    /// Concealment continues the signal: no silence hole where a packet went missing, and it
    /// fades rather than repeating forever.
    @Test(arguments: ["PCMU", "G722", "opus"])
    func concealmentFillsTheHole(_ name: String) throws {
        let codec: any AudioCodec = switch name {
        case "PCMU": G711Codec(law: .ulaw)
        case "G722": G722Codec()
        default: try OpusCodec(sampleRate: 16000)
        }
        let rate = codec.sampleRate
        // A steady vowel-like tone mix, so the expected level of the hole is known.
        let input = zip(TestSignal.tone(frequency: 210, rate: rate, count: rate),
                        TestSignal.tone(frequency: 630, rate: rate, count: rate, amplitude: 5000)).map { $0 &+ $1 }
        let payloads = try packetize(input, codec: codec)
        var output: [Int16] = []
        for (index, payload) in payloads.enumerated() {
            if index == 20 {
                let concealed = try codec.decodeLoss(sampleCount: codec.samples(milliseconds: 20))
                #expect(concealed.count == codec.samples(milliseconds: 20))
                let ratio = SignalMeasure.rms(concealed) / SignalMeasure.rms(input[(20 * rate / 50)..<(21 * rate / 50)])
                #expect(ratio > 0.4, "\(name): concealed level \(ratio) of the original")
                output += concealed
            } else {
                output += try codec.decode(payload)
            }
        }
        #expect(output.count == input.count)
        // Long loss: 200 ms of concealment ends quieter than it starts.
        let long = try codec.decodeLoss(sampleCount: codec.samples(milliseconds: 200))
        let head = SignalMeasure.rms(long.prefix(rate / 50)), tail = SignalMeasure.rms(long.suffix(rate / 50))
        #expect(tail < head * 0.5, "\(name): concealment fades (\(head) → \(tail))")
    }
}
