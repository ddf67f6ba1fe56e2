import SIPCore

/// What a REFER's `Refer-To` asks for (RFC 3515 §2.1): the number to route for a blind transfer,
/// or the status refusing it. Pure; the handler parses the header text with it.
public enum ReferTarget: Sendable, Equatable {
    /// A blind transfer to this number (the SIP URI's user, unescaped).
    case number(String)
    /// Refused with this status: 400 (no SIP URI with a user, RFC 3515 §2.4.1 needs a target),
    /// 501 (an attended transfer: the URI carries `Replaces`, RFC 3891 §3, which the gateway
    /// does not implement; doing a blind transfer instead would ring the target a second time).
    case refused(status: Int)

    /// Reads the `Refer-To` header value (`nil`: the header is missing).
    public init(referTo text: String?) {
        guard let text, let address = try? NameAddress(parsing: text), let uri = address.sipURI else {
            self = .refused(status: 400)
            return
        }
        // RFC 3891 §3 / RFC 5589 §7: `?Replaces=` in Refer-To asks for an attended transfer.
        if uri.headers.contains(where: { $0.name.lowercased() == "replaces" }) {
            self = .refused(status: 501)
            return
        }
        guard let number = uri.decodedUser, !number.isEmpty else {
            self = .refused(status: 400)
            return
        }
        self = .number(number)
    }
}
