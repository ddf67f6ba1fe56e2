import CSpanDSP
import Testing

/// G.711 µ-law and A-law through spandsp's block coder and its inline per-sample functions.
@Suite struct G711SmokeTests {
    @Test(arguments: [Int32(G711_ULAW), Int32(G711_ALAW)])
    func toneRoundTripHasCompandingSNR(_ mode: Int32) throws {
        let state = try #require(g711_init(nil, mode))
        defer { g711_free(state) }
        // 1004 Hz (the ITU test tone) is not a divisor of 8000, so samples cover many levels.
        let input = Signal.tone(frequency: 1004, rate: 8000, count: 160, amplitude: 10000)
        var encoded = [UInt8](repeating: 0, count: 160)
        #expect(g711_encode(state, &encoded, input, 160) == 160)
        var decoded = [Int16](repeating: 0, count: 160)
        #expect(g711_decode(state, &decoded, encoded, 160) == 160)
        // G.711 gives about 38 dB SNR for a loud tone; a broken coder gives near 0.
        let snr = Signal.snr(reference: input, output: decoded)
        #expect(snr > 30, "SNR \(snr) dB")
        #expect(Set(encoded).count > 20, "a tone uses many code words")
    }

    @Test func knownCodeWords() {
        // ITU-T G.711: silence is 0xFF in µ-law and 0xD5 in A-law (even bits inverted).
        #expect(linear_to_ulaw(0) == 0xFF)
        #expect(linear_to_alaw(0) == 0xD5)
        #expect(ulaw_to_linear(0xFF) == 0)
        #expect(alaw_to_linear(0xD5) == 8)
        // Full-scale positive and negative.
        #expect(linear_to_ulaw(32767) == 0x80)
        #expect(linear_to_ulaw(-32768) == 0x00)
        // A-law to µ-law transcoding lands within one quantisation step.
        #expect(abs(Int(ulaw_to_linear(alaw_to_ulaw(linear_to_alaw(1000)))) - 1000) < 64)
    }

    @Test func everyCodeWordRoundTrips() {
        // Decoding then re-encoding any code word gives it back (except µ-law's two zeros).
        for code in 0...255 {
            let ulaw = UInt8(code)
            if ulaw != 0x7F {
                #expect(linear_to_ulaw(Int32(ulaw_to_linear(ulaw))) == ulaw, "µ-law \(code)")
            }
            let alaw = UInt8(code)
            #expect(linear_to_alaw(Int32(alaw_to_linear(alaw))) == alaw, "A-law \(code)")
        }
    }
}
