/// The name of a SIP header field, compared case-insensitively (RFC 3261 §7.3.1) and with compact
/// forms resolved to their full names (RFC 3261 §7.3.3): `HeaderName("v") == .via`.
///
/// Names SIPCore knows (the statics below) compare by a small code; other names compare by
/// their lower-cased spelling and serialize as first given.
public struct HeaderName: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// Position in `HeaderName.table` + 1, or 0 for a name outside the table.
    let code: UInt8
    /// Spelling to write for a name outside the table (empty for known names).
    let spelling: String
    /// Lower-cased spelling, for comparing names outside the table (empty for known names).
    let lowercased: String

    init(code: UInt8) {
        self.code = code
        self.spelling = ""
        self.lowercased = ""
    }

    /// A header name from its text: full or compact form, any case.
    public init(_ name: String) {
        var name = name
        let code = name.withUTF8 { HeaderName.code(for: $0) }
        self.code = code
        self.spelling = code == 0 ? name : ""
        self.lowercased = code == 0 ? name.lowercased() : ""
    }

    /// A header name from a literal: `let name: HeaderName = "X-Custom"`.
    public init(stringLiteral value: String) { self.init(value) }

    /// A header name from bytes as written in a message.
    init(bytes: ArraySlice<UInt8>) {
        let code = HeaderName.code(for: bytes)
        if code != 0 { self.init(code: code) } else { self.init(String(sipBytes: bytes)) }
    }

    /// The full name as written when SIPCore serializes a field (`Call-ID`, `WWW-Authenticate`).
    public var canonicalName: String { code == 0 ? spelling : HeaderName.table[Int(code) - 1].name }

    /// The compact form (RFC 3261 §7.3.3), if the header has one.
    public var compactForm: Character? {
        guard code != 0, let byte = HeaderName.table[Int(code) - 1].compact else { return nil }
        return Character(Unicode.Scalar(byte))
    }

    /// True when the header's grammar is a comma-separated list, so that one field may carry
    /// several values (RFC 3261 §7.3.1). Unknown headers are not split.
    public var isList: Bool { code != 0 && HeaderName.table[Int(code) - 1].isList }

    /// The canonical name.
    public var description: String { canonicalName }

    /// True when `bytes` (as written in a message) name this header.
    func matches(code other: UInt8, bytes: ArraySlice<UInt8>) -> Bool {
        if code != 0 { return code == other }
        return other == 0 && bytes.equalsLowercased(lowercased.utf8)
    }

    /// Equal when both name the same header (case and compact form do not matter).
    public static func == (lhs: HeaderName, rhs: HeaderName) -> Bool {
        lhs.code == rhs.code && (lhs.code != 0 || lhs.lowercased == rhs.lowercased)
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        if code == 0 { hasher.combine(lowercased) }
    }
}

extension HeaderName {
    /// `Via`.
    public static let via = HeaderName(code: codeVia)
    /// `From`.
    public static let from = HeaderName(code: codeFrom)
    /// `To`.
    public static let to = HeaderName(code: codeTo)
    /// `Call-ID`.
    public static let callID = HeaderName(code: codeCallID)
    /// `CSeq`.
    public static let cseq = HeaderName(code: codeCSeq)
    /// `Content-Length`.
    public static let contentLength = HeaderName(code: codeContentLength)
    /// `Max-Forwards`.
    public static let maxForwards = HeaderName(code: codeMaxForwards)
    /// `Contact`.
    public static let contact = HeaderName("Contact")
    /// `Route`.
    public static let route = HeaderName("Route")
    /// `Record-Route`.
    public static let recordRoute = HeaderName("Record-Route")
    /// `Content-Type`.
    public static let contentType = HeaderName("Content-Type")
    /// `Expires`.
    public static let expires = HeaderName("Expires")
    /// `Authorization`.
    public static let authorization = HeaderName("Authorization")
    /// `WWW-Authenticate`.
    public static let wwwAuthenticate = HeaderName("WWW-Authenticate")
    /// `Proxy-Authenticate`.
    public static let proxyAuthenticate = HeaderName("Proxy-Authenticate")
    /// `Proxy-Authorization`.
    public static let proxyAuthorization = HeaderName("Proxy-Authorization")
    /// `Authentication-Info`.
    public static let authenticationInfo = HeaderName("Authentication-Info")
    /// `Supported`.
    public static let supported = HeaderName("Supported")
    /// `Require`.
    public static let require = HeaderName("Require")
    /// `Proxy-Require`.
    public static let proxyRequire = HeaderName("Proxy-Require")
    /// `Unsupported`.
    public static let unsupported = HeaderName("Unsupported")
    /// `Session-Expires`.
    public static let sessionExpires = HeaderName("Session-Expires")
    /// `Min-SE`.
    public static let minSE = HeaderName("Min-SE")
    /// `Reason`.
    public static let reason = HeaderName("Reason")
    /// `RSeq`.
    public static let rseq = HeaderName("RSeq")
    /// `RAck`.
    public static let rack = HeaderName("RAck")
    /// `P-Asserted-Identity`.
    public static let pAssertedIdentity = HeaderName("P-Asserted-Identity")
    /// `P-Preferred-Identity`.
    public static let pPreferredIdentity = HeaderName("P-Preferred-Identity")
    /// `Diversion`.
    public static let diversion = HeaderName("Diversion")
    /// `History-Info`.
    public static let historyInfo = HeaderName("History-Info")
    /// `Allow`.
    public static let allow = HeaderName("Allow")
    /// `Allow-Events`.
    public static let allowEvents = HeaderName("Allow-Events")
    /// `Event`.
    public static let event = HeaderName("Event")
    /// `Subscription-State`.
    public static let subscriptionState = HeaderName("Subscription-State")
    /// `Refer-To`.
    public static let referTo = HeaderName("Refer-To")
    /// `Referred-By`.
    public static let referredBy = HeaderName("Referred-By")
    /// `Replaces`.
    public static let replaces = HeaderName("Replaces")
    /// `Subject`.
    public static let subject = HeaderName("Subject")
    /// `Content-Encoding`.
    public static let contentEncoding = HeaderName("Content-Encoding")
    /// `Content-Disposition`.
    public static let contentDisposition = HeaderName("Content-Disposition")
    /// `Accept`.
    public static let accept = HeaderName("Accept")
    /// `Min-Expires`.
    public static let minExpires = HeaderName("Min-Expires")
    /// `Retry-After`.
    public static let retryAfter = HeaderName("Retry-After")
    /// `Timestamp`.
    public static let timestamp = HeaderName("Timestamp")
    /// `User-Agent`.
    public static let userAgent = HeaderName("User-Agent")
    /// `Server`.
    public static let server = HeaderName("Server")
    /// `Warning`.
    public static let warning = HeaderName("Warning")
    /// `Privacy`.
    public static let privacy = HeaderName("Privacy")
    /// `Path`.
    public static let path = HeaderName("Path")
    /// `Service-Route`.
    public static let serviceRoute = HeaderName("Service-Route")
}
