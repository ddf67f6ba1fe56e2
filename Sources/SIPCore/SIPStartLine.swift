/// The first line of a request: `Method SP Request-URI SP SIP-Version CRLF` (RFC 3261 §7.1).
public struct SIPRequestLine: Hashable, Sendable {
    /// The method (RFC 3261 §7.1).
    public var method: SIPMethod
    /// The Request-URI exactly as written (RFC 3261 §7.1). The typed form is
    /// `SIPMessage.requestURI`.
    public var uriBytes: ArraySlice<UInt8>

    /// A request line for `method` to `uri`, written as given.
    public init(method: SIPMethod, uri: String) {
        self.method = method
        self.uriBytes = ArraySlice(uri.utf8)
    }

    init(method: SIPMethod, uriBytes: ArraySlice<UInt8>) {
        self.method = method
        self.uriBytes = uriBytes
    }

    /// The Request-URI as text.
    public var uriString: String { String(sipBytes: uriBytes) }

    /// Equal when method and Request-URI bytes are equal.
    public static func == (lhs: SIPRequestLine, rhs: SIPRequestLine) -> Bool {
        lhs.method == rhs.method && lhs.uriBytes.elementsEqual(rhs.uriBytes)
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(uriBytes.count)
    }
}

/// The first line of a response: `SIP-Version SP Status-Code SP Reason-Phrase CRLF`
/// (RFC 3261 §7.2).
public struct SIPStatusLine: Hashable, Sendable {
    /// The three-digit status code (100...699).
    public var statusCode: Int
    /// The reason phrase exactly as written (may be empty, may be UTF-8).
    public var reasonBytes: ArraySlice<UInt8>

    /// A status line with `statusCode` and `reason`.
    public init(statusCode: Int, reason: String) {
        self.statusCode = statusCode
        self.reasonBytes = ArraySlice(reason.utf8)
    }

    init(statusCode: Int, reasonBytes: ArraySlice<UInt8>) {
        self.statusCode = statusCode
        self.reasonBytes = reasonBytes
    }

    /// The reason phrase as text.
    public var reason: String {
        get { String(sipBytes: reasonBytes) }
        set { reasonBytes = ArraySlice(newValue.utf8) }
    }

    /// Equal when code and reason bytes are equal.
    public static func == (lhs: SIPStatusLine, rhs: SIPStatusLine) -> Bool {
        lhs.statusCode == rhs.statusCode && lhs.reasonBytes.elementsEqual(rhs.reasonBytes)
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(statusCode)
        hasher.combine(reasonBytes.count)
    }
}

/// A request line or a status line (RFC 3261 §7: `start-line = Request-Line / Status-Line`).
public enum SIPStartLine: Hashable, Sendable {
    case request(SIPRequestLine)
    case response(SIPStatusLine)
}

/// The one protocol version RFC 3261 defines; others are answered with 505 (RFC 3261 §21.5.7).
let sipVersionBytes: [UInt8] = Array("SIP/2.0".utf8)

extension SIPRequestLine {
    /// A request line for `method` to `uri` (written in its canonical form).
    public init(method: SIPMethod, uri: URI) {
        var bytes: [UInt8] = []
        uri.write(into: &bytes)
        self.init(method: method, uriBytes: bytes[...])
    }
}
