/// The outcome of an offer/answer exchange: per stream, what to send, where, and how. The
/// B2BUA compares two legs' results to decide between relaying and transcoding.
public struct NegotiatedSession: Sendable, Hashable {
    /// One entry per `m=` line, in order, rejected streams included.
    public var streams: [NegotiatedStream]

    /// Creates a result.
    public init(streams: [NegotiatedStream]) { self.streams = streams }

    /// The first accepted audio stream.
    public var audio: NegotiatedStream? {
        streams.first { $0.media == .audio && $0.isAccepted }
    }

    /// The first accepted video stream.
    public var video: NegotiatedStream? {
        streams.first { $0.media == .video && $0.isAccepted }
    }
}

/// One negotiated media stream.
public struct NegotiatedStream: Sendable, Hashable {
    /// The `m=` line index.
    public var index: Int
    /// The media kind.
    public var media: MediaType
    /// The transport protocol of the stream.
    public var proto: TransportProtocol
    /// Why the stream is not in use, or nil when it is.
    public var rejection: StreamRejection?
    /// The codecs both sides accepted, in the answer's order; the first is the one to send.
    public var codecs: [NegotiatedCodec]
    /// RFC 4733 telephone-event formats, one per clock rate.
    public var telephoneEvents: [NegotiatedTelephoneEvent]
    /// What this side may do: `sendonly` means the peer holds us, `recvonly` that we hold it.
    public var direction: MediaDirection
    /// The packet time this side announced (what it wants to receive).
    public var localPtime: Int?
    /// The packet time the peer announced: packetize what we send to it with this.
    public var remotePtime: Int?
    /// The peer's `a=maxptime`.
    public var remoteMaxptime: Int?
    /// The peer's media address (`0.0.0.0` for RFC 2543 hold), nil for a rejected stream.
    public var remoteAddress: String?
    /// The peer's RTP port (0 when rejected).
    public var remotePort: UInt16
    /// The peer's RTCP port: `a=rtcp` (RFC 3605), else RTP + 1, else the RTP port with rtcp-mux.
    public var remoteRTCPPort: UInt16
    /// Both sides agreed to multiplex RTCP on the RTP port (RFC 5761).
    public var rtcpMux: Bool
    /// The SRTP keys in use, nil for plain RTP.
    public var crypto: NegotiatedCrypto?
    /// `a=mid`, when present.
    public var mid: String?

    /// True when media flows (or may flow once unheld) on this stream.
    public var isAccepted: Bool { rejection == nil }

    /// The codec to send: the first of ``codecs``.
    public var codec: NegotiatedCodec? { codecs.first }

    /// The telephone-event format at a clock rate.
    public func telephoneEvent(clockRate: Int) -> NegotiatedTelephoneEvent? {
        telephoneEvents.first { $0.clockRate == clockRate }
    }

    /// A rejected stream.
    static func rejected(index: Int, stream: MediaDescription, reason: StreamRejection) -> NegotiatedStream {
        NegotiatedStream(index: index, media: stream.media, proto: stream.proto, rejection: reason,
                         codecs: [], telephoneEvents: [], direction: .inactive, localPtime: nil,
                         remotePtime: nil, remoteMaxptime: nil, remoteAddress: nil, remotePort: 0,
                         remoteRTCPPort: 0, rtcpMux: false, crypto: nil, mid: stream.mid)
    }
}

/// A codec accepted by both sides, with the payload type each direction uses. Payload types
/// are per leg: never copy one across legs (INTEROP.md).
public struct NegotiatedCodec: Sendable, Hashable {
    /// The codec (our profile's entry; for H.264 with the negotiated `fmtp`).
    public var codec: Codec
    /// The payload type in packets we send: the number the peer's description gave it.
    public var sendPayloadType: UInt8
    /// The payload type in packets we receive: the number our description gave it.
    public var receivePayloadType: UInt8
    /// The peer's `fmtp` for it (what the peer wants to receive), if any.
    public var remoteFormatParameters: String?
}

/// An RFC 4733 telephone-event format at one clock rate.
public struct NegotiatedTelephoneEvent: Sendable, Hashable {
    /// 8000 with G.711/G.722, 48000 with Opus.
    public var clockRate: Int
    /// The payload type for events we send (the peer's number).
    public var sendPayloadType: UInt8
    /// The payload type of events we receive (our number).
    public var receivePayloadType: UInt8
    /// The peer's event list (`0-16`), nil when absent (RFC 4733 §7.1.1: then 0-15).
    public var remoteEvents: String?
}

/// The SDES keys chosen for a stream (RFC 4568 §6).
public struct NegotiatedCrypto: Sendable, Hashable {
    /// The tag of the offer's crypto line that was accepted.
    public var tag: UInt32
    /// The suite.
    public var suite: String
    /// Our key parameters (protect what we send with these).
    public var localKey: String
    /// The peer's key parameters (unprotect what we receive with these).
    public var remoteKeys: [CryptoAttribute.KeyParameter]
}

/// Why a stream was answered with port 0 or is otherwise not in use.
public enum StreamRejection: String, Sendable, Hashable {
    /// The offer itself had port 0.
    case disabledInOffer
    /// The peer answered with port 0.
    case rejectedByPeer
    /// A media kind Gatehouse does not relay (`image`/T.38, `application`, `text` …).
    case mediaNotSupported
    /// Video on a leg whose profile strips it.
    case videoStripped
    /// A transport other than RTP/AVP(F) and RTP/SAVP(F) over UDP (DTLS-SRTP, TCP, udptl).
    case transportNotSupported
    /// No codec in common.
    case noCommonCodec
    /// `RTP/SAVP` offered to a leg whose SRTP policy is off.
    case srtpNotAllowed
    /// Plain RTP offered to a leg whose SRTP policy requires SRTP.
    case srtpRequired
    /// No offered crypto suite (without MKI or session parameters) that we have a key for.
    case noCommonCryptoSuite
    /// The caller supplied no local port for this stream.
    case noLocalPort
    /// No `c=` line applies to the stream.
    case noConnection
}
