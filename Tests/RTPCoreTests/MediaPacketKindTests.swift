import RTPCore
import Testing

@Suite struct MediaPacketKindTests {
    @Test(arguments: [
        ([0x80, 0x00], MediaPacketKind.rtp),  // PCMU
        ([0x80, 0x80 | 96], .rtp),  // marker + dynamic PT 96
        ([0x80, 63], .rtp),  // just below the RTCP window
        ([0x80, 0x80 | 63], .rtp),
        ([0x80, 200], .rtcp),  // SR: octet 2 = 200, low 7 bits 72
        ([0x81, 201], .rtcp),  // RR
        ([0x8F, 206], .rtcp),  // PSFB FIR
        ([0x80, 64], .rtcp),  // lower edge: 64..95 is RTCP on a muxed port (RFC 5761 §4)
        ([0x80, 95], .rtcp),
        ([0x80, 96], .rtp),
        ([0x80, 0x80 | 72], .rtcp),
        ([0x00, 0x01], .stun),  // Binding request
        ([0x01, 0x01], .stun),
        ([0x16, 0xFE], .dtls),  // DTLS handshake record
        ([0x14, 0xFE], .dtls),
        ([0x3F, 0x00], .dtls),
        ([0x10, 0x00], .zrtp),
        ([0x40, 0x00], .turnChannel),
        ([0xC0, 0x00], .unknown),  // version 3
        ([0x80], .unknown),  // too short to tell RTP from RTCP
        ([], .unknown),
    ] as [([UInt8], MediaPacketKind)])
    func classifies(_ bytes: [UInt8], _ expected: MediaPacketKind) {
        #expect(withBytes(bytes) { MediaPacketKind(classifying: $0) } == expected)
    }
}
