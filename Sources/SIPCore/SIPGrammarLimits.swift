/// Named limits on everything a peer controls in a value grammar.
///
/// A value that exceeds one of these is rejected with ``SIPGrammarError/Reason/limitExceeded(_:)``
/// instead of being parsed at unbounded cost. The RFCs set no such limits; these are ours, chosen
/// well above what real devices send (push-notification Contact URIs reach about 1 KiB).
public enum SIPGrammarLimits {
    /// Longest header value any value parser accepts, in bytes.
    public static let maxValueLength = 8192
    /// Longest URI (any scheme), in bytes.
    public static let maxURILength = 4096
    /// Most `;name[=value]` parameters in one URI or one header value.
    public static let maxParameters = 32
    /// Most `?name=value&...` headers in one SIP URI (RFC 3261 §19.1.1).
    public static let maxURIHeaders = 16
    /// Longest display name, in bytes as written.
    public static let maxDisplayNameLength = 512
    /// Most parameters in one authentication challenge or credentials (RFC 7616).
    public static let maxAuthParameters = 32
    /// Most option tags in one Supported/Require/Unsupported value list.
    public static let maxOptionTags = 64
    /// Most digits in a decimal number (port, CSeq, expires...) before it is rejected.
    public static let maxNumberDigits = 10
}
