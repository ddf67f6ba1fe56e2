import CSRTP

/// An SRTP crypto suite negotiated through SDES (RFC 4568 §6.2; AEAD_AES_128_GCM from
/// RFC 7714 §14.2), with the key lengths and per-packet overhead libsrtp2 uses for it.
public enum SRTPCryptoSuite: String, CaseIterable, Hashable, Sendable {
    /// AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 4568 §6.2.1).
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    /// AES-128 counter mode with a 32-bit HMAC-SHA1 tag on SRTP, 80-bit on SRTCP (RFC 4568 §6.2.2).
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    /// AES-128 GCM with a 16-octet tag (RFC 7714 §14.2).
    case aeadAES128GCM = "AEAD_AES_128_GCM"

    /// The suite name as written in an SDP `a=crypto` attribute.
    public var sdesName: String { rawValue }

    /// The suite for an SDP suite name, or nil if unsupported.
    public init?(sdesName: String) { self.init(rawValue: sdesName) }

    /// Master key length in octets.
    public var masterKeyLength: Int { 16 }

    /// Master salt length in octets (112 bits for AES-CM, 96 bits for GCM: RFC 7714 §14.2).
    public var masterSaltLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32: 14
        case .aeadAES128GCM: 12
        }
    }

    /// Master key plus salt: the octets base64-encoded in an `inline:` key (RFC 4568 §6.1).
    public var keyAndSaltLength: Int { masterKeyLength + masterSaltLength }

    /// Octets appended to an SRTP packet (authentication tag), not counting an MKI.
    public var rtpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 10
        case .aesCM128HMACSHA1_32: 4
        case .aeadAES128GCM: 16
        }
    }

    /// Octets appended to an SRTCP packet: the 4-octet E flag and index plus the tag
    /// (RFC 3711 §3.4; the 32-bit suite still uses an 80-bit SRTCP tag, RFC 4568 §6.2.2).
    public var rtcpTrailerLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32: 4 + 10
        case .aeadAES128GCM: 4 + 16
        }
    }

    /// Largest packet count one master key may protect (RFC 4568 §6.2: 2^48 for SRTP; the
    /// SRTCP index is 31 bits).
    public var maximumLifetime: UInt64 { 1 << 48 }

    /// Fills a libsrtp crypto policy for RTP and one for RTCP.
    func apply(rtp: inout srtp_crypto_policy_t, rtcp: inout srtp_crypto_policy_t) {
        switch self {
        case .aesCM128HMACSHA1_80:
            srtp_crypto_policy_set_rtp_default(&rtp)
            srtp_crypto_policy_set_rtcp_default(&rtcp)
        case .aesCM128HMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&rtp)
            // RFC 4568 §6.2.2: SRTCP keeps the 80-bit tag (libsrtp's RTCP default).
            srtp_crypto_policy_set_rtcp_default(&rtcp)
        case .aeadAES128GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp)
        }
    }
}
