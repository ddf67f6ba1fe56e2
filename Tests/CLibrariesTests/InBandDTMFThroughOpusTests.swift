import COpus
import CSpanDSP
import Testing

/// In-band DTMF on an Opus leg: spandsp's detector runs at 8 kHz, and Opus encodes and decodes
/// at 8 kHz directly, so tones survive the codec without resampling (C-LIBRARIES.md).
@Suite struct InBandDTMFThroughOpusTests {
    @Test(arguments: [Int32(16000), 32000])
    func digitsSurviveOpusAt8kHz(_ bitrate: Int32) throws {
        let transmitter = try #require(dtmf_tx_init(nil))
        defer { dtmf_tx_free(transmitter) }
        #expect(dtmf_tx_put(transmitter, "1590#", -1) == 0)
        var error: Int32 = 0
        let encoder = try #require(opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &error))
        defer { opus_encoder_destroy(encoder) }
        #expect(gh_opus_encoder_set_bitrate(encoder, bitrate) == OPUS_OK)
        let decoder = try #require(opus_decoder_create(8000, 1, &error))
        defer { opus_decoder_destroy(decoder) }
        let receiver = try #require(dtmf_rx_init(nil, nil, nil))
        defer { dtmf_rx_free(receiver) }

        // 20 ms frames: 160 samples at 8 kHz. Keep going 200 ms past the last tone.
        var frame = [Int16](repeating: 0, count: 160)
        var trailing = 0
        for _ in 0..<200 where trailing < 10 {
            let generated = Int(dtmf_tx(transmitter, &frame, 160))
            if generated < 160 {
                for index in generated..<160 { frame[index] = 0 }
                if generated == 0 { trailing += 1 }
            }
            var packet = [UInt8](repeating: 0, count: 400)
            let length = opus_encode(encoder, frame, 160, &packet, 400)
            try #require(length > 0)
            var decoded = [Int16](repeating: 0, count: 160)
            try #require(opus_decode(decoder, packet, length, &decoded, 160, 0) == 160)
            _ = dtmf_rx(receiver, decoded, 160)
        }
        var digits = [CChar](repeating: 0, count: 16)
        let count = Int(dtmf_rx_get(receiver, &digits, 15))
        #expect(String(decoding: digits.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "1590#")
    }
}
