/// A media description (RFC 8866 §5.14): the `m=` line and the `i=`, `c=`, `b=`, `k=`, `a=`
/// lines that follow it.
///
/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...`
public struct MediaDescription: Sendable, Hashable {
    /// `audio`, `video`, `text`, `application`, `message`, `image`, or another token (kept).
    public var media: MediaType
    /// The transport port; 0 marks a rejected or disabled stream (RFC 3264 §5.1, §6).
    public var port: UInt16
    /// The `/<number of ports>` suffix, when written.
    public var portCount: Int?
    /// The transport protocol (`RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, `udptl` …).
    public var proto: TransportProtocol
    /// The format list: RTP payload type numbers for RTP protocols, `t38` for udptl, etc.
    public var formats: [String]
    /// Media-level `i=`.
    public var information: String?
    /// Media-level `c=` lines (more than one only for multicast layering).
    public var connections: [Connection]
    /// Media-level `b=` lines.
    public var bandwidths: [Bandwidth]
    /// Media-level `k=`, verbatim.
    public var key: String?
    /// Media-level `a=` lines in order.
    public var attributes: [Attribute]

    /// Creates a media description.
    public init(
        media: MediaType, port: UInt16, portCount: Int? = nil, proto: TransportProtocol,
        formats: [String], connections: [Connection] = [], bandwidths: [Bandwidth] = [],
        attributes: [Attribute] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = nil
        self.connections = connections
        self.bandwidths = bandwidths
        self.key = nil
        self.attributes = attributes
    }

    /// True when the port is 0: the stream is rejected (in an answer) or disabled (in an offer).
    public var isRejected: Bool { port == 0 }

    /// The RTP payload type numbers of the format list, skipping formats that are not numbers
    /// in 0...127 (RFC 3551 §3).
    public var payloadTypes: [UInt8] {
        formats.compactMap { UInt8($0) }.filter { $0 <= 127 }
    }
}

/// The media token of an `m=` line (RFC 8866 §5.14), compared case-insensitively.
public struct MediaType: Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The token as written.
    public var rawValue: String

    /// Wraps a token.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal token.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `audio`.
    public static let audio = MediaType("audio")
    /// `video`.
    public static let video = MediaType("video")
    /// `image` (T.38 fax, RFC 6466).
    public static let image = MediaType("image")
    /// `application`.
    public static let application = MediaType("application")
    /// `text` (RFC 4103 real-time text).
    public static let text = MediaType("text")

    public var description: String { rawValue }

    /// Media tokens compare case-insensitively.
    public static func == (lhs: MediaType, rhs: MediaType) -> Bool {
        lhs.rawValue.caseInsensitiveEquals(rhs.rawValue)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawValue.lowercased())
    }
}

/// The `<proto>` field of an `m=` line (RFC 8866 §5.14, RFC 3551, RFC 3711, RFC 4585,
/// RFC 5764), kept as written with typed questions about it.
public struct TransportProtocol: Sendable, Hashable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The token as written, e.g. `RTP/SAVPF`.
    public var rawValue: String

    /// Wraps a token.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Wraps a literal token.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `RTP/AVP` (RFC 3551).
    public static let rtpAVP = TransportProtocol("RTP/AVP")
    /// `RTP/SAVP` (RFC 3711 with SDES keys, RFC 4568).
    public static let rtpSAVP = TransportProtocol("RTP/SAVP")
    /// `RTP/AVPF` (RFC 4585).
    public static let rtpAVPF = TransportProtocol("RTP/AVPF")
    /// `RTP/SAVPF` (RFC 5124).
    public static let rtpSAVPF = TransportProtocol("RTP/SAVPF")
    /// `UDP/TLS/RTP/SAVPF` (DTLS-SRTP, RFC 5764 §8).
    public static let dtlsSAVPF = TransportProtocol("UDP/TLS/RTP/SAVPF")
    /// `udptl` (T.38 fax, ITU-T T.38 Annex D).
    public static let udptl = TransportProtocol("udptl")

    public var description: String { rawValue }

    private var upper: String { rawValue.uppercased() }

    /// True for every RTP profile (the format list holds payload type numbers).
    public var isRTP: Bool { upperContains("RTP/") }
    /// True for the secure profiles (`SAVP`, `SAVPF`, with or without DTLS).
    public var isSecure: Bool { isRTP && upperContains("/SAVP") }
    /// True for the feedback profiles (`AVPF`, `SAVPF`).
    public var hasFeedback: Bool { isRTP && upperHasSuffix("PF") }
    /// True when keys come from a DTLS handshake (`UDP/TLS/…` or `TCP/TLS/…`, RFC 5764).
    public var isDTLS: Bool { upperContains("TLS/RTP") }

    // These run several times per stream in every offer/answer: an ASCII token (every real one)
    // is searched on its bytes; any other goes through Unicode upper-casing (`ß` is `SS` there).

    /// Whether the upper-cased token contains `needle` (upper-case ASCII).
    private func upperContains(_ needle: StaticString) -> Bool {
        upperMatches(needle, ascii: { bytes, wanted in
            (0...(bytes.count - wanted.count)).contains { Self.upperEquals(bytes, at: $0, wanted) }
        }, unicode: { $0.contains($1) })
    }

    /// Whether the upper-cased token ends with `suffix` (upper-case ASCII).
    private func upperHasSuffix(_ suffix: StaticString) -> Bool {
        upperMatches(suffix, ascii: { bytes, wanted in
            Self.upperEquals(bytes, at: bytes.count - wanted.count, wanted)
        }, unicode: { $0.hasSuffix($1) })
    }

    /// `ascii` on the token's bytes (no upper-cased copy) when they are ASCII and at least as
    /// many as `needle`'s; else `unicode` on the Unicode upper-cased token and `needle`.
    private func upperMatches(
        _ needle: StaticString,
        ascii: (_ bytes: UnsafeBufferPointer<UInt8>, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool,
        unicode: (_ upper: String, _ needle: String) -> Bool
    ) -> Bool {
        let wanted = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        let found = rawValue.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            for byte in bytes where byte >= 0x80 { return nil }
            return wanted.count <= bytes.count && ascii(bytes, wanted)
        }
        if let found, let found { return found }
        return unicode(upper, needle.description)
    }

    /// Whether `bytes` from `start` on, ASCII upper-cased, begin with `wanted`.
    private static func upperEquals(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        for offset in 0..<wanted.count where asciiUpper(bytes[start + offset]) != wanted[offset] { return false }
        return true
    }

    private static func asciiUpper(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "a") < 26 ? byte & 0xDF : byte }

    /// Protocol tokens compare case-insensitively.
    public static func == (lhs: TransportProtocol, rhs: TransportProtocol) -> Bool {
        lhs.rawValue.caseInsensitiveEquals(rhs.rawValue)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(upper)
    }
}
