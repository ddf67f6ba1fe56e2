/// What Gatehouse is willing to speak with one endpoint or trunk: the local capability side of
/// RFC 3264 offer/answer. The dial plan's per-endpoint media profile maps onto this.
public struct MediaProfile: Sendable, Hashable {
    /// A name for logs and golden tests (`door`, `softphone`, `carrier` …).
    public var name: String
    /// Audio codecs in order of preference.
    public var audioCodecs: [Codec]
    /// Video codecs in order of preference (used only when ``video`` is `.pass`).
    public var videoCodecs: [Codec]
    /// Whether video streams are negotiated or refused.
    public var video: VideoPolicy
    /// Offer and accept RFC 4733 telephone-events, at the clock rate of every audio codec.
    public var telephoneEvent: Bool
    /// The events announced in the telephone-event `fmtp` (RFC 4733 §7.1.1).
    public var telephoneEventRange: String
    /// Whether SRTP (SDES, RFC 4568) is off, offered, or required on this leg.
    public var srtp: SRTPPolicy
    /// SRTP suites offered, in order of preference (RFC 4568 §6.2, RFC 7714 §14.2).
    public var cryptoSuites: [String]
    /// SRTP suites an answer accepts, in order of preference; nil takes the offer's first line
    /// whose suite the media engine holds a key for (RFC 4568 §7.1.1: the offerer's preference).
    public var acceptedCryptoSuites: [String]?
    /// `a=ptime` to announce (the packet time this side wants to receive), if any.
    public var ptime: Int?
    /// `a=maxptime` to announce, if any.
    public var maxptime: Int?
    /// Offer `a=rtcp-mux` and accept it when offered (RFC 5761 §5.1.1).
    public var rtcpMux: Bool
    /// The first dynamic payload type for offers we create (RFC 3551 §3: 96–127).
    public var firstDynamicPayloadType: UInt8

    /// Whether video is negotiated on a leg.
    public enum VideoPolicy: String, Sendable, Hashable {
        /// Negotiate video with ``videoCodecs`` and relay it.
        case pass
        /// Answer video streams with port 0; never offer video.
        case strip
    }

    /// SRTP policy per leg (the media issue's off / offered / required).
    public enum SRTPPolicy: String, Sendable, Hashable {
        /// Plain RTP only: `RTP/SAVP` offers are refused, `a=crypto` on `RTP/AVP` is ignored.
        case off
        /// Offer keys on `RTP/AVP` (best effort); accept SRTP or RTP from the peer.
        case offer
        /// `RTP/SAVP` only; streams without a usable key are refused.
        case require
    }

    /// Creates a profile.
    public init(
        name: String,
        audioCodecs: [Codec],
        videoCodecs: [Codec] = [],
        video: VideoPolicy = .strip,
        telephoneEvent: Bool = true,
        telephoneEventRange: String = "0-16",
        srtp: SRTPPolicy = .off,
        cryptoSuites: [String] = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"],
        acceptedCryptoSuites: [String]? = nil,
        ptime: Int? = 20,
        maxptime: Int? = nil,
        rtcpMux: Bool = false,
        firstDynamicPayloadType: UInt8 = 96
    ) {
        self.name = name
        self.audioCodecs = audioCodecs
        self.videoCodecs = videoCodecs
        self.video = video
        self.telephoneEvent = telephoneEvent
        self.telephoneEventRange = telephoneEventRange
        self.srtp = srtp
        self.cryptoSuites = cryptoSuites
        self.acceptedCryptoSuites = acceptedCryptoSuites
        self.ptime = ptime
        self.maxptime = maxptime
        self.rtcpMux = rtcpMux
        self.firstDynamicPayloadType = firstDynamicPayloadType
    }

    /// The codecs for one media kind (empty video list when video is stripped).
    public func codecs(for media: MediaType) -> [Codec] {
        if media == .audio { return audioCodecs }
        if media == .video { return video == .pass ? videoCodecs : [] }
        return []
    }
}
