// SDP: the session description model (RFC 8866), its parser and serializer, and the RFC 3264
// offer/answer negotiator. Pure: no sockets.

/// A session description (RFC 8866 §5).
///
/// Session-level fields appear in the order RFC 8866 §5 lists them:
///
/// ```
/// v=  (protocol version)            e=* (email address)        t=  (time the session is active)
/// o=  (originator, session id)      p=* (phone number)         r=* (repeat times)
/// s=  (session name)                c=* (connection info)      z=* (time zone adjustments)
/// i=* (session information)         b=* (bandwidth)            k=* (obsolete encryption key)
/// u=* (URI of description)                                     a=* (session attributes)
/// ```
///
/// followed by zero or more media descriptions (``MediaDescription``). Values are kept as the
/// peer wrote them (numbers that a B2BUA never computes with stay strings), so an untouched
/// description serializes back to the same bytes; typed views (``RTPMap``, ``CryptoAttribute``
/// …) are parsed from the attributes on demand.
public struct SessionDescription: Sendable, Hashable {
    /// `v=`: always 0 (RFC 8866 §5.1).
    public var version: Int
    /// `o=` (RFC 8866 §5.2).
    public var origin: Origin
    /// `s=`: the session name; `-` or a single space when there is none (RFC 8866 §5.3).
    public var sessionName: String
    /// `i=` at session level (RFC 8866 §5.4).
    public var information: String?
    /// `u=` (RFC 8866 §5.5).
    public var uri: String?
    /// `e=` lines (RFC 8866 §5.6).
    public var emails: [String]
    /// `p=` lines (RFC 8866 §5.6).
    public var phones: [String]
    /// Session-level `c=` (RFC 8866 §5.7); a media-level one overrides it.
    public var connection: Connection?
    /// Session-level `b=` lines (RFC 8866 §5.8).
    public var bandwidths: [Bandwidth]
    /// `t=` lines with their `r=` lines (RFC 8866 §5.9, §5.10). Empty when a sloppy peer sent none.
    public var timings: [Timing]
    /// `z=` value, kept verbatim (RFC 8866 §5.11).
    public var timeZones: String?
    /// `k=` value, kept verbatim (obsolete, RFC 8866 §5.12).
    public var key: String?
    /// Session-level `a=` lines in order (RFC 8866 §5.13).
    public var attributes: [Attribute]
    /// The media descriptions in `m=` order (RFC 8866 §5.14).
    public var media: [MediaDescription]

    /// A description with the mandatory fields and nothing else (`t=0 0`, no media).
    public init(
        origin: Origin,
        sessionName: String = "-",
        connection: Connection? = nil,
        attributes: [Attribute] = [],
        media: [MediaDescription] = []
    ) {
        self.version = 0
        self.origin = origin
        self.sessionName = sessionName
        self.information = nil
        self.uri = nil
        self.emails = []
        self.phones = []
        self.connection = connection
        self.bandwidths = []
        self.timings = [Timing(start: "0", stop: "0")]
        self.timeZones = nil
        self.key = nil
        self.attributes = attributes
        self.media = media
    }
}

extension SessionDescription {
    /// What the parser starts from: no `t=` line (one is appended per line read) and a
    /// placeholder origin it replaces; built without the default `t=0 0` array.
    init(unparsed: Void) {
        self.version = 0
        self.origin = Origin(sessionID: "0", sessionVersion: "0", address: "0.0.0.0")
        self.sessionName = "-"
        self.information = nil
        self.uri = nil
        self.emails = []
        self.phones = []
        self.connection = nil
        self.bandwidths = []
        self.timings = []
        self.timeZones = nil
        self.key = nil
        self.attributes = []
        self.media = []
    }
}

/// The `o=` line (RFC 8866 §5.2): `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <addr>`.
public struct Origin: Sendable, Hashable {
    /// The user's login, or `-`.
    public var username: String
    /// A numeric string, unique together with the other fields; kept as written.
    public var sessionID: String
    /// A numeric string increased on every change of the description (RFC 3264 §8).
    public var sessionVersion: String
    /// Network type, `IN`.
    public var networkType: String
    /// `IP4` or `IP6` (or another token, kept).
    public var addressType: String
    /// The originator's address or name.
    public var address: String

    /// Creates an origin line.
    public init(
        username: String = "-", sessionID: String, sessionVersion: String,
        networkType: String = "IN", addressType: String = "IP4", address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }

    /// The origin with `sessionVersion` increased by one, as RFC 3264 §8 requires for a
    /// modified offer. Decimal arithmetic on the string, so versions longer than 64 bits work.
    public func incrementingVersion() -> Origin {
        var digits = Array(sessionVersion.utf8)
        var index = digits.count - 1
        while index >= 0 {
            if digits[index] == UInt8(ascii: "9") {
                digits[index] = UInt8(ascii: "0")
                index -= 1
            } else if digits[index] >= UInt8(ascii: "0") && digits[index] < UInt8(ascii: "9") {
                digits[index] += 1
                break
            } else {
                // Not a number (a peer's oddity): restart from 1.
                return replacing(version: "1")
            }
        }
        if index < 0 { digits.insert(UInt8(ascii: "1"), at: 0) }
        return replacing(version: String(decoding: digits, as: UTF8.self))
    }

    private func replacing(version: String) -> Origin {
        var copy = self
        copy.sessionVersion = version
        return copy
    }
}

/// A `t=` line and the `r=` lines that belong to it (RFC 8866 §5.9, §5.10).
public struct Timing: Sendable, Hashable {
    /// Start time (NTP seconds, `0` for unbounded), as written.
    public var start: String
    /// Stop time (NTP seconds, `0` for unbounded), as written.
    public var stop: String
    /// `r=` values, verbatim.
    public var repeats: [String]

    /// Creates a timing; `t=0 0` is the permanent session every SIP peer sends.
    public init(start: String, stop: String, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }
}

/// A `b=` line (RFC 8866 §5.8): `b=<bwtype>:<bandwidth>`, for example `AS` (kbit/s),
/// `CT`, or `TIAS` (bit/s, RFC 3890). Unknown types are kept.
public struct Bandwidth: Sendable, Hashable {
    /// The type token, as written (`AS`, `CT`, `TIAS`, `RS`, `RR`, `X-…`).
    public var type: String
    /// The value; its unit depends on the type.
    public var value: UInt64

    /// Creates a bandwidth line.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }
}
