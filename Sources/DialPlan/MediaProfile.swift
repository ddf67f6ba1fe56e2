import OperatorInput

/// What one leg speaks: codecs in order of preference, DTMF, SRTP and video policy.
public struct MediaProfile: Sendable, Equatable, Codable {
    public var codecs: [Codec]
    public var dtmf: DTMFProfile
    public var srtp: SRTPPolicy
    public var video: VideoPolicy
    /// SDES suites offered and accepted, in order of preference (`srtp_suites`); nil keeps the
    /// default: offer AES_CM_128_HMAC_SHA1_80 and _32, accept every suite the gateway implements.
    public var srtpSuites: [SRTPSuite]?

    public init(codecs: [Codec], dtmf: DTMFProfile, srtp: SRTPPolicy, video: VideoPolicy,
                srtpSuites: [SRTPSuite]? = nil) {
        self.codecs = codecs
        self.dtmf = dtmf
        self.srtp = srtp
        self.video = video
        self.srtpSuites = srtpSuites
    }
}

/// A codec name as operators write it; the canonical spelling is the SDP encoding name.
public enum Codec: String, Sendable, Codable, CaseIterable {
    case pcmu = "PCMU", pcma = "PCMA", g722 = "G722", opus, h264 = "H264", h263 = "H263", vp8 = "VP8"

    /// Video codecs are passed through or stripped, never transcoded.
    public var isVideo: Bool { self == .h264 || self == .h263 || self == .vp8 }

    /// Case-insensitive lookup, accepting `G.722`, `g711a`/`g711u` too.
    public init?(name: String) {
        let folded = name.lowercased().replacingOccurrences(of: ".", with: "")
        let aliases: [String: Codec] = ["g711u": .pcmu, "g711a": .pcma, "ulaw": .pcmu, "alaw": .pcma]
        if let alias = aliases[folded] { self = alias; return }
        guard let codec = Codec.allCases.first(where: { $0.rawValue.lowercased() == folded }) else { return nil }
        self = codec
    }
}

/// How DTMF digits travel on a leg.
public enum DTMFMode: String, Sendable, Codable, CaseIterable {
    /// RFC 4733 telephone-events in the RTP stream.
    case rfc4733
    /// SIP INFO requests (RFC 6086 legacy use, no Info-Package).
    case info
    /// Tones in the audio.
    case inband
    /// RFC 4733 when the peer's SDP offers telephone-event, else in-band.
    case auto
}

/// The body of a DTMF INFO request.
public enum InfoBody: String, Sendable, Codable, CaseIterable {
    /// `application/dtmf-relay`: `Signal=1\r\nDuration=250\r\n`.
    case dtmfRelay = "dtmf-relay"
    /// `application/dtmf`: the digit alone.
    case dtmf
}

/// DTMF mode and pacing. Doors miss digits that come too short or too fast.
public struct DTMFProfile: Sendable, Equatable, Codable {
    public var mode: DTMFMode
    public var body: InfoBody
    public var minDuration: Duration
    public var gap: Duration

    public init(mode: DTMFMode, body: InfoBody = .dtmfRelay, minDuration: Duration, gap: Duration) {
        self.mode = mode
        self.body = body
        self.minDuration = minDuration
        self.gap = gap
    }

    /// A door's default: INFO pacing of 250 ms digits with 400 ms gaps (INTEROP.md).
    public static let doorDefault = DTMFProfile(mode: .info, minDuration: .milliseconds(250), gap: .milliseconds(400))
    /// Phones and trunks: RFC 4733 with 100 ms digits and gaps.
    public static let phoneDefault = DTMFProfile(mode: .rfc4733, minDuration: .milliseconds(100), gap: .milliseconds(100))

    /// `rfc4733`, `info dtmf-relay 250ms/400ms`: how traces print it.
    public var summary: String {
        let pacing = "\(formatDuration(minDuration)) min, \(formatDuration(gap)) gap"
        return mode == .info ? "info (\(body.rawValue)), \(pacing)" : "\(mode.rawValue), \(pacing)"
    }
}

/// SRTP policy on a leg (RFC 3711 with SDES keys).
public enum SRTPPolicy: String, Sendable, Codable, CaseIterable { case off, offer, require }

/// An SDES crypto suite the gateway implements, spelled as in `a=crypto` (RFC 4568 §6.2,
/// RFC 7714 §14.2).
public enum SRTPSuite: String, Sendable, Codable, CaseIterable {
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    case aeadAES128GCM = "AEAD_AES_128_GCM"

    /// The suites offered when `srtp_suites` is not given (what every SDES peer speaks).
    public static let defaultOffer: [SRTPSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]

    /// Case-insensitive lookup of an SDP suite name.
    public init?(name: String) {
        guard let suite = SRTPSuite.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            return nil
        }
        self = suite
    }
}

/// What to do with a video stream the other leg offers.
public enum VideoPolicy: String, Sendable, Codable, CaseIterable {
    /// Pass video through untouched when both legs have the codec.
    case pass
    /// Answer the video m-line with port 0 (RFC 3264 §6); never reject the call for it.
    case strip
}

extension MediaProfile {
    /// `opus, G722, PCMU; DTMF rfc4733 …; SRTP offer; video pass`; configured SDES suites follow
    /// the SRTP policy in brackets.
    public var summary: String {
        let suites = srtpSuites.map { " [\($0.map(\.rawValue).joined(separator: ", "))]" } ?? ""
        return "codecs \(codecs.map(\.rawValue).joined(separator: ", ")); DTMF \(dtmf.summary); "
            + "SRTP \(srtp.rawValue)\(suites); video \(video.rawValue)"
    }

    enum CodingKeys: String, CodingKey { case codecs, dtmf, srtp, video, srtpSuites = "srtp_suites" }
}

extension DTMFProfile {
    enum CodingKeys: String, CodingKey { case mode, body, minDuration = "min_duration_ms", gap = "gap_ms" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(mode: try container.decode(DTMFMode.self, forKey: .mode),
                  body: try container.decode(InfoBody.self, forKey: .body),
                  minDuration: .milliseconds(try container.decode(Int64.self, forKey: .minDuration)),
                  gap: .milliseconds(try container.decode(Int64.self, forKey: .gap)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(body, forKey: .body)
        try container.encode(milliseconds(minDuration), forKey: .minDuration)
        try container.encode(milliseconds(gap), forKey: .gap)
    }
}
