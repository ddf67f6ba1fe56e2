/// A codec a ``MediaProfile`` speaks: what an `a=rtpmap` names plus the `a=fmtp` we announce.
public struct Codec: Sendable, Hashable, CustomStringConvertible {
    /// The media kind this codec belongs to (`audio` or `video`).
    public var media: MediaType
    /// The encoding name (`PCMU`, `opus`, `H264` …), compared case-insensitively.
    public var name: String
    /// The RTP clock rate in Hz.
    public var clockRate: Int
    /// Audio channels in the rtpmap (1 unless written; Opus is always `/2`, RFC 7587 §7).
    public var channels: Int
    /// The `a=fmtp` parameters this side announces, if any. For H.264 nil means "any
    /// configuration the peer offers" (the relay passes video through untouched); a value
    /// restricts the match by RFC 6184 §8.2.2 (see ``H264Parameters``).
    public var formatParameters: String?

    /// Creates a codec.
    public init(media: MediaType, name: String, clockRate: Int, channels: Int = 1,
                formatParameters: String? = nil) {
        self.media = media
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.formatParameters = formatParameters
    }

    /// G.711 µ-law, static payload type 0 (RFC 3551 §4.5.14).
    public static let pcmu = Codec(media: .audio, name: "PCMU", clockRate: 8000)
    /// G.711 A-law, static payload type 8 (RFC 3551 §4.5.14).
    public static let pcma = Codec(media: .audio, name: "PCMA", clockRate: 8000)
    /// G.722, static payload type 9; its RTP clock is 8000 although it samples at 16 kHz
    /// (RFC 3551 §4.5.2).
    public static let g722 = Codec(media: .audio, name: "G722", clockRate: 8000)
    /// Opus: always `opus/48000/2` in SDP whatever is really sent (RFC 7587 §7).
    public static let opus = Codec(media: .audio, name: "opus", clockRate: 48000, channels: 2)
    /// H.264 accepting any configuration the peer offers (RFC 6184). In an offer it carries no
    /// `fmtp` (Baseline level 1, mode 0 by RFC 6184 §8.1): to offer the other leg's video,
    /// use a codec with that leg's `profile-level-id` and `packetization-mode` instead.
    public static let h264 = Codec(media: .video, name: "H264", clockRate: 90000)

    /// The name of the RFC 4733 event payload format.
    public static let telephoneEventName = "telephone-event"

    /// The RFC 3551 static payload type for this codec, when it has one.
    public var staticPayloadType: UInt8? {
        for payloadType: UInt8 in [0, 3, 4, 8, 9, 13, 18, 26, 31, 34] {
            if let map = RTPMap.staticMapping(for: payloadType),
               map.encodingName.caseInsensitiveEquals(name), map.clockRate == clockRate, channels == 1 {
                return payloadType
            }
        }
        return nil
    }

    /// True for H.264, whose fmtp takes part in matching (RFC 6184 §8.2.2).
    public var isH264: Bool { name.caseInsensitiveEquals("H264") }

    /// The rtpmap line for this codec under a payload type.
    public func rtpMap(payloadType: UInt8) -> RTPMap {
        RTPMap(payloadType: payloadType, encodingName: name, clockRate: clockRate,
               encodingParameters: media == .audio && channels != 1 ? String(channels) : nil)
    }

    /// True when an offered or answered format (its rtpmap and fmtp) is this codec: same name
    /// and clock rate, same channel count (Opus: any, as RFC 7587 §7 fixes it at 2), and for
    /// H.264 a compatible configuration.
    public func matches(_ map: RTPMap, formatParameters fmtp: FormatParameters?) -> Bool {
        guard map.encodingName.caseInsensitiveEquals(name), map.clockRate == clockRate else { return false }
        if name.caseInsensitiveEquals("opus") == false, media == .audio, map.channels != channels {
            return false
        }
        if isH264, let formatParameters {
            let ours = H264Parameters(formatParameters: FormatParameters(format: "", parameters: formatParameters))
            return ours.isCompatible(with: H264Parameters(formatParameters: fmtp))
        }
        return true
    }

    /// `PCMU/8000`, `opus/48000/2`.
    public var description: String {
        "\(name)/\(clockRate)" + (channels != 1 ? "/\(channels)" : "")
    }
}
