import NIOCore

/// SRTP for one call leg (RFC 3711): an outbound libsrtp2 session keyed with our SDES key and
/// an inbound one keyed with the peer's, each with libsrtp's replay protection.
///
/// Works in place on `ByteBuffer`s: protect appends the tag (and MKI, and for SRTCP the index)
/// after the readable bytes, reserving the room first; unprotect strips them. Not thread-safe
/// and not `Sendable`: create it on the leg's event loop and keep it there.
public final class SRTPSession {
    /// The negotiated suite.
    public let suite: SRTPCryptoSuite
    /// The replay window in packets (RFC 3711 §3.3.2; libsrtp accepts 64...32767).
    public let replayWindow: Int
    /// Which library does the work (the AES-CM suites without MKI on OpenSSL by default).
    public let backend: SRTPBackend
    private var outbound: any SRTPTransform
    private var inbound: any SRTPTransform

    /// A session protecting with `localKey` (the key in our SDP) and unprotecting with
    /// `remoteKey` (the key in the peer's SDP), per RFC 4568 §6.1.
    /// `backend` nil picks ``SRTPBackend/openSSL`` where it applies (AES-CM suites, no MKI, a
    /// window of at most 128), else ``SRTPBackend/libsrtp``.
    public init(suite: SRTPCryptoSuite, localKey: SDESKeyParameters, remoteKey: SDESKeyParameters, replayWindow: Int = 128,
                backend: SRTPBackend? = nil) throws(SRTPError) {
        self.suite = suite
        self.replayWindow = replayWindow
        let chosen = backend ?? SRTPBackend.preferred(suite: suite, keys: [localKey, remoteKey], replayWindow: replayWindow)
        self.backend = chosen
        outbound = try chosen.makeContext(suite: suite, key: localKey, direction: .outbound, replayWindow: replayWindow)
        inbound = try chosen.makeContext(suite: suite, key: remoteKey, direction: .inbound, replayWindow: replayWindow)
    }

    /// Re-keying after a re-INVITE (RFC 4568 §7.1.4): replaces both directions' contexts, which
    /// resets the rollover counters and replay windows. Pass nil to keep one direction's key.
    /// Either both contexts are replaced or, on error, neither.
    public func rekey(localKey: SDESKeyParameters?, remoteKey: SDESKeyParameters?) throws(SRTPError) {
        let backend = self.backend == .openSSL
            && SRTPBackend.preferred(suite: suite, keys: [localKey, remoteKey].compactMap { $0 }, replayWindow: replayWindow) == .openSSL
            ? SRTPBackend.openSSL : .libsrtp
        let newOutbound = try localKey.map { key throws(SRTPError) in
            try backend.makeContext(suite: suite, key: key, direction: .outbound, replayWindow: replayWindow)
        }
        let newInbound = try remoteKey.map { key throws(SRTPError) in
            try backend.makeContext(suite: suite, key: key, direction: .inbound, replayWindow: replayWindow)
        }
        if let newOutbound { outbound = newOutbound }
        if let newInbound { inbound = newInbound }
    }

    /// Encrypts and authenticates the RTP packet in `buffer`'s readable bytes (RFC 3711 §3.3).
    public func protectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try outbound.protectRTP(&buffer)
    }

    /// Verifies, replay-checks and decrypts the SRTP packet in `buffer` (RFC 3711 §3.3).
    public func unprotectRTP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try inbound.unprotectRTP(&buffer)
    }

    /// Protects the RTCP compound packet in `buffer` (RFC 3711 §3.4).
    public func protectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try outbound.protectRTCP(&buffer)
    }

    /// Unprotects the SRTCP packet in `buffer` (RFC 3711 §3.4).
    public func unprotectRTCP(_ buffer: inout ByteBuffer) throws(SRTPError) {
        try inbound.unprotectRTCP(&buffer)
    }

    /// Octets protect may append to a packet: size receive and send buffers with this.
    public var maximumOverhead: Int { outbound.trailerCapacity }
}

/// The library behind an ``SRTPSession``.
public enum SRTPBackend: String, Hashable, Sendable, CaseIterable {
    /// RFC 3711 on OpenSSL's AES-128-CTR and HMAC-SHA1 with contexts kept per session
    /// (`OpenSSLSRTPContext`): AES_CM_128_HMAC_SHA1_80/32 without MKI.
    case openSSL
    /// libsrtp2 (Debian: on NSS): every suite, MKI.
    case libsrtp

    /// OpenSSL where it supports the suite, the keys and the window; libsrtp otherwise.
    static func preferred(suite: SRTPCryptoSuite, keys: [SDESKeyParameters], replayWindow: Int) -> SRTPBackend {
        let supported = (suite == .aesCM128HMACSHA1_80 || suite == .aesCM128HMACSHA1_32)
            && keys.allSatisfy { $0.mki == nil } && replayWindow <= SRTPReplayWindow.maximumSize
        return supported ? .openSSL : .libsrtp
    }

    func makeContext(suite: SRTPCryptoSuite, key: SDESKeyParameters, direction: SRTPContext.Direction,
                     replayWindow: Int) throws(SRTPError) -> any SRTPTransform {
        switch self {
        case .openSSL: try OpenSSLSRTPContext(suite: suite, key: key, direction: direction, replayWindow: replayWindow)
        case .libsrtp: try SRTPContext(suite: suite, key: key, direction: direction, replayWindow: replayWindow)
        }
    }
}
