import CSRTP

/// Why an SRTP operation failed. Peer input never traps: a bad packet becomes one of these.
public enum SRTPError: Error, Hashable, Sendable {
    /// The packet's authentication tag did not verify (tampered, or another key).
    case authenticationFailed
    /// The packet's index was already seen or is older than the replay window (RFC 3711 §3.3.2).
    case replay
    /// The master key or salt has the wrong length for the suite, or libsrtp refused it.
    case badKey
    /// The packet is too short or malformed for SRTP processing.
    case malformedPacket
    /// The master key reached its lifetime; the call must re-key.
    case keyExpired
    /// Any other libsrtp status (its numeric code).
    case library(status: Int)

    /// Maps a libsrtp status that is not `srtp_err_status_ok`.
    init(status: srtp_err_status_t) {
        switch status {
        case srtp_err_status_auth_fail: self = .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: self = .replay
        case srtp_err_status_bad_param, srtp_err_status_parse_err: self = .malformedPacket
        case srtp_err_status_key_expired: self = .keyExpired
        case srtp_err_status_no_ctx, srtp_err_status_bad_mki: self = .authenticationFailed
        default: self = .library(status: Int(status.rawValue))
        }
    }
}

/// Why an SDES key parameter (RFC 4568 §9.2 `key-params`) was rejected.
public enum SDESKeyError: Error, Hashable, Sendable {
    /// The key method is not `inline` (the only one RFC 4568 defines).
    case unsupportedMethod
    /// The key-salt is not valid base64.
    case invalidBase64
    /// The decoded key-salt has the wrong length for the suite.
    case wrongKeyLength(expected: Int, actual: Int)
    /// The lifetime is not a decimal number or `2^n`, or exceeds the suite's maximum.
    case invalidLifetime
    /// The MKI is not `value:length` with a length of 1...128 octets that fits the value.
    case invalidMKI
    /// The key parameter is longer than ``SDESKeyParameters/maximumTextLength``.
    case tooLong
}
