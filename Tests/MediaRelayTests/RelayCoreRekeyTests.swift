import NIOCore
import SecureRTP
import Testing
@testable import MediaRelay

/// A leg's SRTP keys changed by a re-INVITE (RFC 4568 §7.1.4), straight on the relay core.
@Suite struct RelayCoreRekeyTests {
    static func packet(_ sequence: UInt16) -> [UInt8] {
        [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0, 160, 0xB0, 0xB0, 0xB0, 0xB0]
            + [UInt8](repeating: 0x55, count: 160)
    }

    /// The peer re-keys, our key stays: what we send keeps its rollover counter, so the peer
    /// (whose context for our key is unchanged) still opens it after a sequence wrap.
    @Test func aPeerRekeyKeepsOurOutboundRolloverCounter() throws {
        let loop = try MediaIOLoop(name: "rekey-test", tickInterval: .milliseconds(10),
                                   timeoutCheckInterval: .milliseconds(100), batch: 4)
        let (_, continuation) = AsyncStream<MediaEvent>.makeStream()
        let core = RelayCore(settings: .init(), rtcpMux: true, kind: .audio, events: continuation, loop: loop)
        let suite = SRTPCryptoSuite.aesCM128HMACSHA1_80
        let ours = SDESKeyParameters.generate(for: suite)
        let theirs = SDESKeyParameters.generate(for: suite)
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        func configuration(_ peerKey: SDESKeyParameters) -> LegConfiguration {
            LegConfiguration(remote: remote, codec: MediaCodec(payloadType: 0, format: .pcmu),
                             srtp: SRTPLegConfiguration(suite: suite, localKey: ours, remoteKey: peerKey))
        }
        try core.configure(leg: .a, configuration(theirs), now: 0)
        let peer = try SRTPSession(suite: suite, localKey: theirs, remoteKey: ours)
        let relay = try #require(core.legs[0].srtp)
        // Our stream wraps (ROC 1), the peer follows it.
        for sequence: UInt16 in [65534, 65535, 0] {
            var buffer = ByteBuffer(bytes: Self.packet(sequence))
            try relay.protectRTP(&buffer)
            try peer.unprotectRTP(&buffer)
        }
        // The peer's re-INVITE brings a new key of its own; our answer keeps ours.
        try core.configure(leg: .a, configuration(SDESKeyParameters.generate(for: suite)), now: 0)
        var next = ByteBuffer(bytes: Self.packet(1))
        try #require(core.legs[0].srtp).protectRTP(&next)
        try peer.unprotectRTP(&next)
        #expect(Array(next.readableBytesView) == Self.packet(1))
    }
}
