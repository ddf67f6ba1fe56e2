/// A SIP request method (RFC 3261 §7.1, §27.4). Methods are case-sensitive tokens: `invite` is
/// not `INVITE` (RFC 3261 §7.1 "The method is case-sensitive").
public struct SIPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let invite = SIPMethod("INVITE")
    public static let ack = SIPMethod("ACK")
    public static let bye = SIPMethod("BYE")
    public static let cancel = SIPMethod("CANCEL")
    public static let register = SIPMethod("REGISTER")
    public static let options = SIPMethod("OPTIONS")
    public static let info = SIPMethod("INFO")
    public static let update = SIPMethod("UPDATE")
    public static let prack = SIPMethod("PRACK")
    public static let refer = SIPMethod("REFER")
    public static let notify = SIPMethod("NOTIFY")
    public static let subscribe = SIPMethod("SUBSCRIBE")
    public static let message = SIPMethod("MESSAGE")
    public static let publish = SIPMethod("PUBLISH")

    /// The method written as `bytes` (already checked to be a token). Strings of up to 15
    /// UTF-8 bytes are stored inline, so this does not allocate for any usual method.
    init(bytes: ArraySlice<UInt8>) {
        self.rawValue = String(sipBytes: bytes)
    }
}
