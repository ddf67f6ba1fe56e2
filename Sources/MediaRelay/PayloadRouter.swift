import Transcoding

/// A leg's negotiated audio codec: the payload type on that leg's wire and its format.
public struct MediaCodec: Hashable, Sendable {
    /// The RTP payload type the leg uses for it (RFC 3551 static or a dynamic 96...127).
    public var payloadType: UInt8
    /// Encoding name, clock rate, channels and fmtp.
    public var format: CodecFormat
    /// Packet duration in milliseconds the leg expects (SDP `a=ptime`).
    public var packetDuration: Int
    /// The leg's RFC 4733 `telephone-event` payload type at the codec's clock, if negotiated.
    public var telephoneEventPayloadType: UInt8?

    /// A codec with `payloadType` for `format` and a `packetDuration` ms ptime.
    public init(payloadType: UInt8, format: CodecFormat, packetDuration: Int = 20, telephoneEventPayloadType: UInt8? = nil) {
        self.payloadType = payloadType
        self.format = format
        self.packetDuration = packetDuration
        self.telephoneEventPayloadType = telephoneEventPayloadType
    }

    /// Whether RTP payloads of `self` can be relayed unchanged to a leg using `other`: same
    /// encoding name (case-insensitive, RFC 4855 §3), clock rate and channel count.
    public func isRelayCompatible(with other: MediaCodec) -> Bool {
        format.clockRate == other.format.clockRate && format.channels == other.format.channels
            && Self.sameName(format.encodingName, other.format.encodingName)
    }

    /// Case-insensitive equality of encoding names without lowercasing copies for ASCII names
    /// (every registered one); others are compared lowercased.
    static func sameName(_ left: String, _ right: String) -> Bool {
        if left == right { return true }
        guard left.utf8.count == right.utf8.count else { return left.lowercased() == right.lowercased() }
        for (x, y) in zip(left.utf8, right.utf8) where x != y {
            guard x < 0x80, y < 0x80 else { return left.lowercased() == right.lowercased() }
            if x | 0x20 != y | 0x20 || !((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A) { return false }
        }
        return true
    }
}

/// The per-packet payload-type decision for one direction (ingress leg → egress leg).
public struct PayloadRouter: Hashable, Sendable {
    /// What to do with one packet.
    public enum Decision: Hashable, Sendable {
        /// Relay the payload unchanged with this payload type on the egress leg.
        case forward(payloadType: UInt8)
        /// Decode and re-encode through the direction's `TranscodingPipeline`.
        case transcode
        /// A payload type the egress leg did not negotiate: drop it.
        case drop
    }

    /// The ingress leg's codec.
    public let ingress: MediaCodec
    /// The egress leg's codec.
    public let egress: MediaCodec
    /// Whether the two codecs differ so that the direction needs transcoding.
    public let needsTranscoding: Bool

    /// The router from `ingress` to `egress`.
    public init(ingress: MediaCodec, egress: MediaCodec) {
        self.ingress = ingress
        self.egress = egress
        self.needsTranscoding = !ingress.isRelayCompatible(with: egress)
    }

    /// The decision for an ingress packet with `payloadType`. RFC 4733 events are relayed
    /// (with the egress leg's event payload type) only between same-codec legs, where they
    /// share the stream's clock and sequence space; a transcoded direction drops them (the
    /// DTMF work regenerates them there).
    @inlinable
    public func route(payloadType: UInt8) -> Decision {
        if payloadType == ingress.payloadType {
            return needsTranscoding ? .transcode : .forward(payloadType: egress.payloadType)
        }
        if !needsTranscoding, let event = ingress.telephoneEventPayloadType, payloadType == event,
           let egressEvent = egress.telephoneEventPayloadType {
            return .forward(payloadType: egressEvent)
        }
        return .drop
    }
}

/// A direction's routing facts as plain integers, rebuilt with its `PayloadRouter`: the
/// per-packet decision without copying the codecs' strings (no reference counting per packet).
struct FastRoute: Hashable, Sendable {
    var payloadType: UInt8
    var egressPayloadType: UInt8
    /// The ingress and egress telephone-event types, when events are relayed (same codec only).
    var eventPayloadType: UInt8?
    var egressEventPayloadType: UInt8?
    var transcodes: Bool

    init(_ router: PayloadRouter) {
        payloadType = router.ingress.payloadType
        egressPayloadType = router.egress.payloadType
        transcodes = router.needsTranscoding
        if !transcodes, let event = router.ingress.telephoneEventPayloadType, let egressEvent = router.egress.telephoneEventPayloadType {
            eventPayloadType = event
            egressEventPayloadType = egressEvent
        }
    }

    /// The same decision as `PayloadRouter.route(payloadType:)`.
    @inline(__always)
    func route(payloadType type: UInt8) -> PayloadRouter.Decision {
        if type == payloadType { return transcodes ? .transcode : .forward(payloadType: egressPayloadType) }
        if let event = eventPayloadType, type == event, let egressEvent = egressEventPayloadType { return .forward(payloadType: egressEvent) }
        return .drop
    }
}
