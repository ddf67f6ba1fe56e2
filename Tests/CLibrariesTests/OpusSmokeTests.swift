import Foundation
import COpus
import Testing

@Suite struct OpusSmokeTests {
    @Test func encodesAndDecodesOneFrame() throws {
        var error: Int32 = 0
        let encoder = try #require(opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error))
        defer { opus_encoder_destroy(encoder) }
        #expect(error == OPUS_OK)
        #expect(gh_opus_encoder_set_bitrate(encoder, 32000) == OPUS_OK)
        let decoder = try #require(opus_decoder_create(48000, 1, &error))
        defer { opus_decoder_destroy(decoder) }

        let samples = (0..<960).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 48000)) }
        var packet = [UInt8](repeating: 0, count: 1500)
        let length = opus_encode(encoder, samples, 960, &packet, 1500)
        #expect(length > 0)
        var decoded = [Int16](repeating: 0, count: 960)
        let count = opus_decode(decoder, packet, length, &decoded, 960, 0)
        #expect(count == 960)
    }
}
