import CSRTP
import SecureRTP
import Testing

/// libsrtp2 must be initialised exactly once per process before any session is created; the
/// test process also runs SecureRTP's tests, so both go through SecureRTP's one initialisation.
var srtpLibraryStatus: srtp_err_status_t {
    (try? SRTPLibrary.ensureInitialized()) != nil ? srtp_err_status_ok : srtp_err_status_init_fail
}

/// Owns one libsrtp session (`srtp_t` imports as an untyped `OpaquePointer`).
final class SRTPTestSession {
    let session: OpaquePointer

    enum Suite { case aesCM128HMACSHA1_80, aeadAES128GCM }

    /// A session for one SSRC; `outbound` for protecting, inbound for unprotecting.
    init(suite: Suite, key: [UInt8], ssrc: UInt32, outbound: Bool) throws {
        try #require(srtpLibraryStatus == srtp_err_status_ok)
        var policy = srtp_policy_t()
        switch suite {
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&policy.rtp)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp)
        }
        policy.ssrc.type = outbound ? ssrc_specific : ssrc_any_inbound
        policy.ssrc.value = ssrc
        policy.window_size = 128
        var session: OpaquePointer?
        var keyCopy = key
        let status = keyCopy.withUnsafeMutableBufferPointer { keyBytes in
            policy.key = keyBytes.baseAddress
            return srtp_create(&session, &policy)
        }
        try #require(status == srtp_err_status_ok)
        self.session = try #require(session)
    }

    deinit {
        srtp_dealloc(session)
    }

    /// Protects an RTP packet; returns the status and the SRTP packet.
    func protect(_ packet: [UInt8]) -> (srtp_err_status_t, [UInt8]) {
        var buffer = packet + [UInt8](repeating: 0, count: Int(GH_SRTP_MAX_TRAILER_LEN))
        var length = Int32(packet.count)
        let status = srtp_protect(session, &buffer, &length)
        return (status, Array(buffer.prefix(Int(length))))
    }

    /// Unprotects an SRTP packet.
    func unprotect(_ packet: [UInt8]) -> (srtp_err_status_t, [UInt8]) {
        var buffer = packet
        var length = Int32(packet.count)
        let status = srtp_unprotect(session, &buffer, &length)
        return (status, Array(buffer.prefix(Int(length))))
    }

    /// Protects an RTCP packet.
    func protectRTCP(_ packet: [UInt8]) -> (srtp_err_status_t, [UInt8]) {
        var buffer = packet + [UInt8](repeating: 0, count: Int(GH_SRTP_MAX_TRAILER_LEN) + 4)
        var length = Int32(packet.count)
        let status = srtp_protect_rtcp(session, &buffer, &length)
        return (status, Array(buffer.prefix(Int(length))))
    }

    /// Unprotects an SRTCP packet.
    func unprotectRTCP(_ packet: [UInt8]) -> (srtp_err_status_t, [UInt8]) {
        var buffer = packet
        var length = Int32(packet.count)
        let status = srtp_unprotect_rtcp(session, &buffer, &length)
        return (status, Array(buffer.prefix(Int(length))))
    }
}

/// An RTP packet (V=2, PT 0) with a 160-octet payload.
func srtpTestPacket(sequenceNumber: UInt16, ssrc: UInt32) -> [UInt8] {
    var packet: [UInt8] = [0x80, 0x00, UInt8(sequenceNumber >> 8), UInt8(sequenceNumber & 0xFF), 0, 0, 0x12, 0x34]
    packet += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
    packet += (0..<160).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    return packet
}

@Suite struct SRTPSmokeTests {
    static let ssrc: UInt32 = 0x5EC0_0001

    @Test(arguments: [
        (SRTPTestSession.Suite.aesCM128HMACSHA1_80, Int(GH_SRTP_AES_ICM_128_KEY_LEN_WSALT), 10),
        (.aeadAES128GCM, Int(GH_SRTP_AES_GCM_128_KEY_LEN_WSALT), 16),
    ])
    func protectUnprotectRoundTrip(_ suite: SRTPTestSession.Suite, _ keyLength: Int, _ tagLength: Int) throws {
        let key = (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        let sender = try SRTPTestSession(suite: suite, key: key, ssrc: Self.ssrc, outbound: true)
        let receiver = try SRTPTestSession(suite: suite, key: key, ssrc: Self.ssrc, outbound: false)

        for sequenceNumber: UInt16 in [100, 101, 103] {
            let plain = srtpTestPacket(sequenceNumber: sequenceNumber, ssrc: Self.ssrc)
            let (protectStatus, protected) = sender.protect(plain)
            #expect(protectStatus == srtp_err_status_ok)
            #expect(protected.count == plain.count + tagLength)
            #expect(Array(protected.prefix(12)) == Array(plain.prefix(12)), "the header stays in clear")
            #expect(Array(protected[12..<plain.count]) != Array(plain[12...]), "the payload is encrypted")
            let (status, decrypted) = receiver.unprotect(protected)
            #expect(status == srtp_err_status_ok)
            #expect(decrypted == plain)
            // The same packet again is a replay.
            #expect(receiver.unprotect(protected).0 == srtp_err_status_replay_fail)
        }

        // One flipped payload bit fails authentication.
        var tampered = sender.protect(srtpTestPacket(sequenceNumber: 104, ssrc: Self.ssrc)).1
        tampered[20] ^= 0x01
        #expect(receiver.unprotect(tampered).0 == srtp_err_status_auth_fail)

        // A receiver with another key rejects the packet.
        let stranger = try SRTPTestSession(suite: suite, key: key.map { $0 ^ 0xFF }, ssrc: Self.ssrc, outbound: false)
        #expect(stranger.unprotect(sender.protect(srtpTestPacket(sequenceNumber: 105, ssrc: Self.ssrc)).1).0 == srtp_err_status_auth_fail)
    }

    @Test func rtcpRoundTrip() throws {
        let key = (0..<Int(GH_SRTP_AES_ICM_128_KEY_LEN_WSALT)).map { UInt8($0) }
        let sender = try SRTPTestSession(suite: .aesCM128HMACSHA1_80, key: key, ssrc: Self.ssrc, outbound: true)
        let receiver = try SRTPTestSession(suite: .aesCM128HMACSHA1_80, key: key, ssrc: Self.ssrc, outbound: false)
        // An empty RR from the sender's SSRC.
        let rr: [UInt8] = [0x80, 201, 0, 1, 0x5E, 0xC0, 0x00, 0x01]
        let (status, protected) = sender.protectRTCP(rr)
        #expect(status == srtp_err_status_ok)
        #expect(protected.count == rr.count + 4 + 10, "SRTCP index (E flag) and a 10-octet tag")
        let (unprotectStatus, plain) = receiver.unprotectRTCP(protected)
        #expect(unprotectStatus == srtp_err_status_ok)
        #expect(plain == rr)
    }
}
