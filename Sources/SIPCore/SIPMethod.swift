/// A SIP request method (RFC 3261 §7.1, §27.4). Methods are case-sensitive tokens: `invite` is
/// not `INVITE` (RFC 3261 §7.1 "The method is case-sensitive").
public struct SIPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The method token as written (case-sensitive).
    public let rawValue: String

    /// A method from its token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A method from its token.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// A method from a literal: `let method: SIPMethod = "NEWMETHOD"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The method token.
    public var description: String { rawValue }

    /// `INVITE`.
    public static let invite = SIPMethod("INVITE")
    /// `ACK`.
    public static let ack = SIPMethod("ACK")
    /// `BYE`.
    public static let bye = SIPMethod("BYE")
    /// `CANCEL`.
    public static let cancel = SIPMethod("CANCEL")
    /// `REGISTER`.
    public static let register = SIPMethod("REGISTER")
    /// `OPTIONS`.
    public static let options = SIPMethod("OPTIONS")
    /// `INFO`.
    public static let info = SIPMethod("INFO")
    /// `UPDATE`.
    public static let update = SIPMethod("UPDATE")
    /// `PRACK`.
    public static let prack = SIPMethod("PRACK")
    /// `REFER`.
    public static let refer = SIPMethod("REFER")
    /// `NOTIFY`.
    public static let notify = SIPMethod("NOTIFY")
    /// `SUBSCRIBE`.
    public static let subscribe = SIPMethod("SUBSCRIBE")
    /// `MESSAGE`.
    public static let message = SIPMethod("MESSAGE")
    /// `PUBLISH`.
    public static let publish = SIPMethod("PUBLISH")

    /// The method written as `bytes` (already checked to be a token). Strings of up to 15
    /// UTF-8 bytes are stored inline, so this does not allocate for any usual method.
    init(bytes: ArraySlice<UInt8>) {
        self.rawValue = String(sipBytes: bytes)
    }
}
