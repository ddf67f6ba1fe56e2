import DTMF
import NIOCore
import SecureRTP

/// One side of a relayed call: `a` (usually the caller's leg) and `b`.
public enum MediaLeg: Int, Hashable, Sendable, CaseIterable {
    case a, b

    /// The leg media from this one is relayed to.
    public var other: MediaLeg { self == .a ? .b : .a }
}

/// What one media session carries: an SDP `m=audio` or `m=video` stream.
///
/// A call has one session per stream (audio first, then video, as the B2BUA's
/// `MediaAllocation` ports are ordered). Video is only ever relayed: both legs must share the
/// codec (RFC 6184 H.264 with matching `profile-level-id`/`packetization-mode`, negotiated by
/// the SDP layer); the engine rewrites SSRC, sequence number and timestamp, maps the payload
/// type, leaves the marker bit (end of frame) alone and relays RTCP feedback (PLI, FIR, NACK)
/// with the matching SSRC rewrites so the camera gets key-frame requests.
public enum MediaStreamKind: Hashable, Sendable {
    /// Audio: relayed or transcoded; a silent leg raises `MediaEvent.mediaTimeout`.
    case audio
    /// Video: relayed only; no media timeout (a receive-only viewer sends no RTP).
    case video
}

/// SDES-keyed SRTP on one leg (RFC 4568): the suite from the answer, our key, the peer's key.
public struct SRTPLegConfiguration: Hashable, Sendable {
    /// The negotiated crypto suite.
    public var suite: SRTPCryptoSuite
    /// The key in our SDP: protects what we send to this leg.
    public var localKey: SDESKeyParameters
    /// The key in the peer's SDP: unprotects what it sends.
    public var remoteKey: SDESKeyParameters

    /// A leg configuration.
    public init(suite: SRTPCryptoSuite, localKey: SDESKeyParameters, remoteKey: SDESKeyParameters) {
        self.suite = suite
        self.localKey = localKey
        self.remoteKey = remoteKey
    }
}

/// What the B2BUA tells the engine about one leg after an offer/answer.
public struct LegConfiguration: Hashable, Sendable {
    /// The RTP address from the peer's SDP (replaced by latching once packets arrive).
    public var remote: SocketAddress
    /// The leg's codec and payload type.
    public var codec: MediaCodec
    /// SRTP on this leg, nil for plain RTP.
    public var srtp: SRTPLegConfiguration?
    /// The SSRC we send to this leg with (random per RFC 3550 §8.1 by default).
    public var outgoingSSRC: UInt32
    /// Hold state toward this leg (``MediaLegDirection``); `sendrecv` by default.
    public var direction: MediaLegDirection

    /// A leg configuration.
    public init(remote: SocketAddress, codec: MediaCodec, srtp: SRTPLegConfiguration? = nil, outgoingSSRC: UInt32 = randomSSRC(),
                direction: MediaLegDirection = .sendrecv) {
        self.remote = remote
        self.codec = codec
        self.srtp = srtp
        self.outgoingSSRC = outgoingSSRC
        self.direction = direction
    }
}

/// Something the B2BUA must react to.
public enum MediaEvent: Hashable, Sendable {
    /// No RTP arrived from `leg` for the configured media timeout: end the call.
    case mediaTimeout(leg: MediaLeg)
    /// `leg`'s media is now sent to `address` (symmetric latching).
    case latched(leg: MediaLeg, address: SocketAddress)
    /// A digit started or ended on `leg`: RFC 4733 events (decoded per RFC 4733 §2.5.2) or
    /// in-band tones (spandsp), with the method in `event.method` (see `LegDTMFConfiguration`).
    case dtmf(leg: MediaLeg, event: DTMFEvent)
}

/// Per-leg counters.
public struct LegCounters: Hashable, Sendable {
    /// RTP packets received from the leg (accepted by latching).
    public var packetsReceived = 0
    /// Octets of those packets.
    public var bytesReceived = 0
    /// RTP packets sent to the leg.
    public var packetsSent = 0
    /// Octets of those packets.
    public var bytesSent = 0
    /// Packets dropped: latching probation, unknown payload type, malformed.
    public var packetsDropped = 0
    /// SRTP/SRTCP packets that failed authentication or replay checks.
    public var srtpFailures = 0
    /// Packets lost from the leg's stream (RFC 3550 A.3 cumulative lost).
    public var packetsLost = 0
    /// RTCP packets relayed from the leg.
    public var rtcpRelayed = 0
    /// RTCP compound packets the engine generated for the leg (transcoded legs, RFC 3550
    /// §6.4: our own SR/RR, since the media it gets is ours, not the other leg's).
    public var rtcpGenerated = 0
    /// Picture loss indications the engine itself sent to the leg (video source changes,
    /// `MediaSession.requestKeyFrame`).
    public var keyFrameRequests = 0
    /// Where the leg's media is sent.
    public var latchedAddress: SocketAddress?

    /// Zero counters.
    public init() {}
}
