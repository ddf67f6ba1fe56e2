/// RFC 3264 offer/answer for one leg, as a pure function of descriptions and a profile.
///
/// ```
///  peer offer ──answer(to:local:)──▶ our answer + NegotiatedSession       (we are the answerer)
///  profile ────offer(local:media:)─▶ our offer
///  our offer + peer answer ──negotiate(offer:answer:)──▶ NegotiatedSession (we were the offerer)
/// ```
///
/// The B2BUA anchors media, so every address and port it writes comes from ``LocalMedia``;
/// nothing of the peer's addressing is copied into our descriptions. Each leg negotiates with
/// its own profile and its own payload type numbers; where two legs end with different codecs
/// the media engine transcodes.
public struct Negotiator: Sendable {
    /// The local capabilities for this leg.
    public var profile: MediaProfile

    /// Creates a negotiator for a leg.
    public init(profile: MediaProfile) {
        self.profile = profile
    }

    /// An answer we built and what it means for the media engine.
    public struct Answer: Sendable, Hashable {
        /// The description to send.
        public var description: SessionDescription
        /// The negotiated streams.
        public var session: NegotiatedSession

        /// Pairs a description with its negotiated streams (also for an offer of ours whose
        /// answer came back: the B2BUA keeps what it last sent to a side this way).
        public init(description: SessionDescription, session: NegotiatedSession) {
            self.description = description
            self.session = session
        }
    }
}

/// One format of an `m=` line with its mapping: the rtpmap (or RFC 3551 static entry) and fmtp.
struct FormatEntry {
    let payloadType: UInt8
    let map: RTPMap
    let fmtp: FormatParameters?
    /// The map names telephone-event (decided once: the matching loops ask it per codec).
    let isTelephoneEvent: Bool

    init(payloadType: UInt8, map: RTPMap, fmtp: FormatParameters?) {
        self.payloadType = payloadType
        self.map = map
        self.fmtp = fmtp
        self.isTelephoneEvent = map.encodingName.caseInsensitiveEquals(Codec.telephoneEventName)
    }
}

extension Negotiator {
    /// The RTP formats of a stream in `m=` order; formats with neither an rtpmap nor a static
    /// assignment are skipped (nothing can be matched against them).
    static func formats(of stream: MediaDescription) -> [FormatEntry] {
        // One pass over the attributes for both lists (what `rtpMaps` and `formatParameters` give).
        var maps: [RTPMap] = []
        var parameters: [FormatParameters] = []
        for attribute in stream.attributes {
            guard let value = attribute.value else { continue }
            if attribute.name.caseInsensitiveEquals("rtpmap") {
                if let map = try? RTPMap(parsing: value) { maps.append(map) }
            } else if attribute.name.caseInsensitiveEquals("fmtp") {
                if let fmtp = try? FormatParameters(parsing: value) { parameters.append(fmtp) }
            }
        }
        return stream.formats.compactMap { format in
            guard let payloadType = UInt8(format), payloadType <= 127,
                  let map = maps.first(where: { $0.payloadType == payloadType })
                    ?? RTPMap.staticMapping(for: payloadType)
            else { return nil }
            return FormatEntry(payloadType: payloadType, map: map,
                               fmtp: parameters.first { $0.format == format })
        }
    }

    /// RTP over UDP with or without SDES and feedback. DTLS-SRTP and RTP over TCP are left for
    /// later (the media issue leaves room for DTLS); they are refused per stream.
    static func isSupportedTransport(_ proto: TransportProtocol) -> Bool {
        supportedTransports.contains(proto)
    }

    private static let supportedTransports: [TransportProtocol] = [.rtpAVP, .rtpSAVP, .rtpAVPF, .rtpSAVPF]

    /// Where the peer's RTCP goes: `a=rtcp` (RFC 3605), the RTP port under rtcp-mux (RFC 5761),
    /// else RTP + 1 (RFC 3550 §11).
    static func rtcpPort(of stream: MediaDescription, muxed: Bool) -> UInt16 {
        if muxed { return stream.port }
        if let rtcp = stream.rtcp { return rtcp.port }
        return stream.port == UInt16.max ? stream.port : stream.port + 1
    }

    /// The RTCP feedback types the relay passes on (RFC 4585 NACK and PLI, RFC 5104 FIR), so
    /// a softphone can ask a door camera for a key frame.
    static let relayedFeedback: Set<String> = ["nack", "nack pli", "ccm fir"]

    /// The attributes of an accepted stream in a fixed order: rtpmap/fmtp per format,
    /// rtcp-fb, ptime, maxptime, crypto, rtcp-mux, mid, direction.
    func streamAttributes(
        codecs: [(codec: Codec, payloadType: UInt8)],
        telephoneEvents: [(clockRate: Int, payloadType: UInt8)],
        feedback: [RTCPFeedback], media: MediaType, crypto: [String],
        rtcpMux: Bool, mid: String?, direction: MediaDirection
    ) -> [Attribute] {
        var attributes: [Attribute] = []
        for (codec, payloadType) in codecs {
            attributes.append(Attribute("rtpmap", codec.rtpMap(payloadType: payloadType).description))
            if let fmtp = codec.formatParameters, !fmtp.isEmpty {
                attributes.append(Attribute("fmtp", "\(payloadType) \(fmtp)"))
            }
        }
        for (clockRate, payloadType) in telephoneEvents {
            attributes.append(Attribute("rtpmap", "\(payloadType) \(Codec.telephoneEventName)/\(clockRate)"))
            attributes.append(Attribute("fmtp", "\(payloadType) \(profile.telephoneEventRange)"))
        }
        attributes += feedback.map { Attribute("rtcp-fb", $0.description) }
        if media == .audio {
            if let ptime = profile.ptime { attributes.append(Attribute("ptime", String(ptime))) }
            if let maxptime = profile.maxptime { attributes.append(Attribute("maxptime", String(maxptime))) }
        }
        attributes += crypto.map { Attribute("crypto", $0) }
        if rtcpMux { attributes.append(Attribute("rtcp-mux")) }
        if let mid { attributes.append(Attribute("mid", mid)) }
        attributes.append(Attribute(direction.rawValue))
        return attributes
    }
}
