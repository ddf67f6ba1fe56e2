/// A `sip:` or `sips:` URI (RFC 3261 §19.1.1).
///
/// ```
/// SIP-URI  = "sip:"  [ userinfo ] hostport uri-parameters [ headers ]
/// SIPS-URI = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
/// userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"
/// ```
///
/// Components are kept in wire form: `user`, `password`, parameter and header names and values
/// hold their `%HH` escapes as written, so a parsed URI writes back unchanged and §19.1.4
/// comparison (``isEquivalent(to:)``) can tell `%3B` from `;`. ``decodedUser`` and
/// ``SIPEscaping`` convert to and from plain text. `==` is exact structural equality; use
/// ``isEquivalent(to:)`` for the RFC's notion of equal URIs.
public struct SIPURI: Hashable, Sendable, SIPGrammarValue {
    /// `sips:` rather than `sip:`.
    public var isSecure: Bool
    /// The user (or telephone-subscriber) in wire form; nil when the URI has no userinfo.
    public var user: String?
    /// The password in wire form (deprecated by RFC 3261 §19.1.1 but part of the grammar).
    public var password: String?
    /// The host.
    public var host: SIPHost
    /// The port; nil when omitted (which is not the same as 5060 under §19.1.4).
    public var port: UInt16?
    /// `uri-parameters`, in order.
    public var parameters: SIPParameters
    /// `headers` (`?name=value&...`), in order.
    public var headers: SIPParameters

    /// Creates a URI from wire-form components (see ``SIPEscaping/escape(_:for:)``).
    public init(
        isSecure: Bool = false, user: String? = nil, password: String? = nil, host: SIPHost,
        port: UInt16? = nil, parameters: SIPParameters = SIPParameters(), headers: SIPParameters = SIPParameters()
    ) {
        self.isSecure = isSecure
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// `"sips"` or `"sip"`.
    public var scheme: String { isSecure ? "sips" : "sip" }

    /// The user with escapes resolved; nil if there is no user or it does not decode to UTF-8.
    public var decodedUser: String? { user.flatMap(SIPEscaping.unescape) }

    /// The `transport` parameter (RFC 3261 §19.1.1), as written.
    public var transport: String? { parameters["transport"] }

    /// The `user` parameter (`phone`, `ip`, `dialstring`...), as written.
    public var userParameter: String? { parameters["user"] }

    /// The `maddr` parameter.
    public var maddr: String? { parameters["maddr"] }

    /// The `method` parameter.
    public var method: String? { parameters["method"] }

    /// The `ttl` parameter, if present and a number 0...255.
    public var ttl: UInt8? { parameters["ttl"].flatMap { UInt8($0) } }

    /// Whether the `lr` parameter (loose routing, RFC 3261 §16.12) is present.
    public var isLooseRouting: Bool { parameters.contains("lr") }

    /// When `user=phone`, the user part read as an RFC 3966 telephone-subscriber.
    public var telephoneSubscriber: TelURI? {
        guard let userParameter, ASCII.equalsIgnoringCase(userParameter, "phone"),
              let user, let decoded = SIPEscaping.unescape(user) else { return nil }
        return try? TelURI(parsingSubscriber: ArraySlice(decoded.utf8))
    }

    /// Appends the wire form.
    public func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: isSecure ? "sips:".utf8 : "sip:".utf8)
        if let user {
            buffer.append(contentsOf: user.utf8)
            if let password {
                buffer.append(UInt8(ascii: ":"))
                buffer.append(contentsOf: password.utf8)
            }
            buffer.append(UInt8(ascii: "@"))
        }
        host.write(into: &buffer)
        if let port {
            buffer.append(UInt8(ascii: ":"))
            ASCII.writeDecimal(port, into: &buffer)
        }
        parameters.write(into: &buffer)
        headers.writeAsURIHeaders(into: &buffer)
    }
}
