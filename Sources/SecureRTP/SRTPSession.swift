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
    private var outbound: SRTPContext
    private var inbound: SRTPContext

    /// A session protecting with `localKey` (the key in our SDP) and unprotecting with
    /// `remoteKey` (the key in the peer's SDP), per RFC 4568 §6.1.
    public init(suite: SRTPCryptoSuite, localKey: SDESKeyParameters, remoteKey: SDESKeyParameters, replayWindow: Int = 128) throws(SRTPError) {
        self.suite = suite
        self.replayWindow = replayWindow
        outbound = try SRTPContext(suite: suite, key: localKey, direction: .outbound, replayWindow: replayWindow)
        inbound = try SRTPContext(suite: suite, key: remoteKey, direction: .inbound, replayWindow: replayWindow)
    }

    /// Re-keying after a re-INVITE (RFC 4568 §7.1.4): replaces both directions' contexts, which
    /// resets the rollover counters and replay windows. Pass nil to keep one direction's key.
    /// Either both contexts are replaced or, on error, neither.
    public func rekey(localKey: SDESKeyParameters?, remoteKey: SDESKeyParameters?) throws(SRTPError) {
        let newOutbound = try localKey.map { key throws(SRTPError) in
            try SRTPContext(suite: suite, key: key, direction: .outbound, replayWindow: replayWindow)
        }
        let newInbound = try remoteKey.map { key throws(SRTPError) in
            try SRTPContext(suite: suite, key: key, direction: .inbound, replayWindow: replayWindow)
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
