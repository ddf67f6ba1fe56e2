/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1).
public struct SSRCAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The synchronization source.
    public var ssrc: UInt32
    /// The source attribute name (`cname`, `msid`, …).
    public var attribute: String
    /// Its value, when present.
    public var value: String?

    /// Creates an ssrc attribute.
    public init(ssrc: UInt32, attribute: String, value: String? = nil) {
        self.ssrc = ssrc
        self.attribute = attribute
        self.value = value
    }

    /// Parses the value after `a=ssrc:`.
    public init(parsing text: String) throws(AttributeSyntaxError) {
        guard let space = text.firstByte(UInt8(ascii: " ")) else {
            throw AttributeSyntaxError("ssrc needs '<ssrc-id> <attribute>[:<value>]'")
        }
        guard let id = UInt32(text[..<space]) else {
            throw AttributeSyntaxError("ssrc id '\(text[..<space])' is not a 32-bit number")
        }
        let rest = text[text.index(after: space)...]
        guard !rest.isEmpty else { throw AttributeSyntaxError("ssrc has no source attribute") }
        if let colon = rest.firstByte(UInt8(ascii: ":")) {
            self.init(ssrc: id, attribute: String(rest[..<colon]),
                      value: String(rest[rest.index(after: colon)...]))
        } else {
            self.init(ssrc: id, attribute: String(rest))
        }
    }

    /// The value after `a=ssrc:`.
    public var description: String {
        "\(ssrc) \(attribute)" + (value.map { ":\($0)" } ?? "")
    }
}
