import COpenSSL
import NIOCore

/// One direction of SRTP/SRTCP (RFC 3711) for the AES-CM suites (AES_CM_128_HMAC_SHA1_80/32,
/// RFC 4568 §6.2.1-2) on OpenSSL, keyed once: the session keys are derived when the context is
/// made (§4.3, key derivation rate 0), and one AES-128-CTR and one HMAC-SHA1 context per
/// RTP/RTCP is kept for every packet.
///
/// Why not libsrtp2 for these suites: Debian builds it on NSS, which sets up a PK11 context for
/// every cipher and HMAC operation (two allocations and a slot lookup per packet); an SRTP leg
/// then cost about 2× a plain packet in `scripts/bench-media`. GCM suites and keys with an MKI
/// stay on libsrtp2 (`SRTPContext`); both are checked against each other in the tests.
///
/// Streams are per SSRC (libsrtp's `ssrc_any_*`): created on the first packet that verifies, at
/// most ``maximumStreams``. Not thread-safe: owned by one leg on one loop.
final class OpenSSLSRTPContext: SRTPTransform {
    /// SSRCs one context keeps state for (a leg has one or two; a flood of forged SSRCs cannot
    /// grow the table, since a stream is only made after its first packet verifies).
    static let maximumStreams = 64
    /// SRTCP carries an 80-bit tag for both AES-CM suites (RFC 4568 §6.2.2).
    static let rtcpTagLength = 10

    let suite: SRTPCryptoSuite
    let trailerCapacity: Int
    private let tagLength: Int
    private let replayWindow: Int
    private let rtp: SessionKeys
    private let rtcp: SessionKeys
    private var rtpStreams: [UInt32: RTPStream] = [:]
    private var rtcpStreams: [UInt32: RTCPStream] = [:]

    struct RTPStream {
        var rolloverCounter: UInt32 = 0
        var highestSequence: UInt16
        var window: SRTPReplayWindow
    }

    struct RTCPStream {
        var sentIndex: UInt32 = 0
        var window: SRTPReplayWindow
    }

    /// The cipher and authentication contexts and the salt of RTP or RTCP (RFC 3711 §4.3.1).
    final class SessionKeys {
        let cipher: OpaquePointer
        let mac: OpaquePointer
        let salt: [UInt8]

        init(master: SDESKeyParameters, labels: (cipher: UInt8, auth: UInt8, salt: UInt8)) throws(SRTPError) {
            let cipherKey = try Self.derive(master, label: labels.cipher, length: 16)
            let authKey = try Self.derive(master, label: labels.auth, length: 20)
            salt = try Self.derive(master, label: labels.salt, length: 14)
            guard let cipher = cipherKey.withUnsafeBufferPointer({ gh_aes128_ctr_new($0.baseAddress) }) else { throw .badKey }
            guard let mac = authKey.withUnsafeBufferPointer({ gh_hmac_sha1_new($0.baseAddress, 20) }) else {
                EVP_CIPHER_CTX_free(cipher)
                throw .badKey
            }
            self.cipher = cipher
            self.mac = mac
        }

        deinit {
            EVP_CIPHER_CTX_free(cipher)
            EVP_MAC_CTX_free(mac)
        }

        /// RFC 3711 §4.3.3 (AES-CM PRF): the key stream of the master key at
        /// `((label << 48) XOR master salt) << 16`, with r = 0.
        static func derive(_ master: SDESKeyParameters, label: UInt8, length: Int) throws(SRTPError) -> [UInt8] {
            guard master.masterKey.count == 16, master.masterSalt.count == 14,
                  let context = master.masterKey.withUnsafeBufferPointer({ gh_aes128_ctr_new($0.baseAddress) })
            else { throw .badKey }
            defer { EVP_CIPHER_CTX_free(context) }
            var iv = master.masterSalt + [0, 0]
            iv[7] ^= label
            var output = [UInt8](repeating: 0, count: length)
            let ok = iv.withUnsafeBufferPointer { ivBytes in
                output.withUnsafeMutableBufferPointer { gh_aes128_ctr_xor(context, ivBytes.baseAddress, $0.baseAddress, Int32(length)) }
            }
            guard ok == 1 else { throw .badKey }
            return output
        }
    }

    init(suite: SRTPCryptoSuite, key: SDESKeyParameters, direction: SRTPContext.Direction, replayWindow: Int) throws(SRTPError) {
        guard suite == .aesCM128HMACSHA1_80 || suite == .aesCM128HMACSHA1_32, key.mki == nil,
              (1...SRTPReplayWindow.maximumSize).contains(replayWindow) else { throw .badKey }
        self.suite = suite
        _ = direction  // Keys alone make the direction: inbound and outbound use different masters.
        self.tagLength = suite.rtpTagLength
        self.replayWindow = replayWindow
        self.trailerCapacity = max(suite.rtpTagLength, suite.rtcpTrailerLength)
        rtp = try SessionKeys(master: key, labels: (0, 1, 2))
        rtcp = try SessionKeys(master: key, labels: (3, 4, 5))
    }

    // MARK: SRTP (RFC 3711 §3.3)

    func protectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        let length = buffer.readableBytes
        guard length >= 12 else { throw .malformedPacket }
        buffer.reserveCapacity(minimumWritableBytes: tagLength)
        let start = buffer.readerIndex
        try buffer.withVeryUnsafeMutableBytes { storage throws(SRTPError) in
            guard let base = storage.baseAddress else { throw SRTPError.malformedPacket }
            let packet = (base + start).assumingMemoryBound(to: UInt8.self)
            let header = try Self.headerLength(packet, length: length)
            let ssrc = Self.read32(packet + 8)
            let sequence = UInt16(packet[2]) << 8 | UInt16(packet[3])
            var stream = rtpStreams[ssrc] ?? RTPStream(highestSequence: sequence, window: SRTPReplayWindow(size: replayWindow))
            guard let (index, rollover) = Self.estimate(sequence, in: stream) else { throw SRTPError.replay }
            // A sender never reuses an index: the same key stream twice would leak both payloads.
            guard stream.window.allows(index) else { throw SRTPError.replay }
            guard rtpStreams[ssrc] != nil || rtpStreams.count < Self.maximumStreams else { throw SRTPError.malformedPacket }
            try crypt(packet + header, count: length - header, keys: rtp, ssrc: ssrc, index: index)
            try authenticate(packet, count: length, rollover: rollover, keys: rtp, into: packet + length, tagLength: tagLength)
            Self.record(index, rollover: rollover, sequence: sequence, in: &stream)
            rtpStreams[ssrc] = stream
        }
        buffer.moveWriterIndex(to: start + length + tagLength)
    }

    func unprotectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        let length = buffer.readableBytes
        guard length >= 12 + tagLength else { throw .malformedPacket }
        let start = buffer.readerIndex
        let body = length - tagLength
        try buffer.withVeryUnsafeMutableBytes { storage throws(SRTPError) in
            guard let base = storage.baseAddress else { throw SRTPError.malformedPacket }
            let packet = (base + start).assumingMemoryBound(to: UInt8.self)
            let header = try Self.headerLength(packet, length: body)
            let ssrc = Self.read32(packet + 8)
            let sequence = UInt16(packet[2]) << 8 | UInt16(packet[3])
            let known = rtpStreams[ssrc]
            guard known != nil || rtpStreams.count < Self.maximumStreams else { throw SRTPError.authenticationFailed }
            var stream = known ?? RTPStream(highestSequence: sequence, window: SRTPReplayWindow(size: replayWindow))
            // RFC 3711 §3.3.2: the replay check comes before the (costlier) authentication.
            guard let (index, rollover) = Self.estimate(sequence, in: stream), stream.window.allows(index) else {
                throw SRTPError.replay
            }
            try verify(packet, count: body, rollover: rollover, keys: rtp, tag: packet + body, tagLength: tagLength)
            try crypt(packet + header, count: body - header, keys: rtp, ssrc: ssrc, index: index)
            Self.record(index, rollover: rollover, sequence: sequence, in: &stream)
            rtpStreams[ssrc] = stream
        }
        buffer.moveWriterIndex(to: start + body)
    }

    // MARK: SRTCP (RFC 3711 §3.4)

    func protectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        let length = buffer.readableBytes
        guard length >= 8 else { throw .malformedPacket }
        let trailer = 4 + Self.rtcpTagLength
        buffer.reserveCapacity(minimumWritableBytes: trailer)
        let start = buffer.readerIndex
        try buffer.withVeryUnsafeMutableBytes { storage throws(SRTPError) in
            guard let base = storage.baseAddress else { throw SRTPError.malformedPacket }
            let packet = (base + start).assumingMemoryBound(to: UInt8.self)
            let ssrc = Self.read32(packet + 4)
            guard rtcpStreams[ssrc] != nil || rtcpStreams.count < Self.maximumStreams else { throw SRTPError.malformedPacket }
            var stream = rtcpStreams[ssrc] ?? RTCPStream(window: SRTPReplayWindow(size: replayWindow))
            // The 31-bit SRTCP index, from 1 (as libsrtp); it must never wrap under one key.
            guard stream.sentIndex < 0x7FFF_FFFF else { throw SRTPError.keyExpired }
            stream.sentIndex += 1
            let index = stream.sentIndex
            try crypt(packet + 8, count: length - 8, keys: rtcp, ssrc: ssrc, index: UInt64(index))
            Self.write32(0x8000_0000 | index, to: packet + length)  // E flag: encrypted
            try authenticate(packet, count: length + 4, rollover: nil, keys: rtcp, into: packet + length + 4,
                             tagLength: Self.rtcpTagLength)
            rtcpStreams[ssrc] = stream
        }
        buffer.moveWriterIndex(to: start + length + trailer)
    }

    func unprotectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        let length = buffer.readableBytes
        let trailer = 4 + Self.rtcpTagLength
        guard length >= 8 + trailer else { throw .malformedPacket }
        let start = buffer.readerIndex
        let body = length - trailer
        try buffer.withVeryUnsafeMutableBytes { storage throws(SRTPError) in
            guard let base = storage.baseAddress else { throw SRTPError.malformedPacket }
            let packet = (base + start).assumingMemoryBound(to: UInt8.self)
            let ssrc = Self.read32(packet + 4)
            let known = rtcpStreams[ssrc]
            guard known != nil || rtcpStreams.count < Self.maximumStreams else { throw SRTPError.authenticationFailed }
            var stream = known ?? RTCPStream(window: SRTPReplayWindow(size: replayWindow))
            let word = Self.read32(packet + body)
            let index = UInt64(word & 0x7FFF_FFFF)
            guard stream.window.allows(index) else { throw SRTPError.replay }
            try verify(packet, count: body + 4, rollover: nil, keys: rtcp, tag: packet + body + 4, tagLength: Self.rtcpTagLength)
            if word & 0x8000_0000 != 0 {
                try crypt(packet + 8, count: body - 8, keys: rtcp, ssrc: ssrc, index: index)
            }
            stream.window.accept(index)
            rtcpStreams[ssrc] = stream
        }
        buffer.moveWriterIndex(to: start + body)
    }
}
