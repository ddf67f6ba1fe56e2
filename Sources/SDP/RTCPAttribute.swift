/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605 §2.1): where RTCP goes when it
/// is not on the RTP port + 1.
public struct RTCPAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, when it differs from the stream's `c=`.
    public var connection: Connection?

    /// Creates an rtcp attribute.
    public init(port: UInt16, connection: Connection? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Parses the value after `a=rtcp:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        let fields = splitFields(value)
        guard fields.count == 1 || fields.count == 4 else {
            throw AttributeSyntaxError("rtcp needs '<port>' or '<port> IN IP4 <address>'")
        }
        guard let port = parseDecimal(fields[0], maxDigits: 5), port <= 65535 else {
            throw AttributeSyntaxError("rtcp port '\(fields[0])' is not 0...65535")
        }
        self.init(port: UInt16(port),
                  connection: fields.count == 4
                    ? Connection(networkType: String(fields[1]), addressType: String(fields[2]),
                                 address: String(fields[3]))
                    : nil)
    }

    /// The value after `a=rtcp:`.
    public var description: String {
        guard let connection else { return String(port) }
        return "\(port) \(connection.networkType) \(connection.addressType) \(connection.address)"
    }
}

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
        guard let space = text.firstIndex(of: " ") else {
            throw AttributeSyntaxError("ssrc needs '<ssrc-id> <attribute>[:<value>]'")
        }
        guard let id = UInt32(text[..<space]) else {
            throw AttributeSyntaxError("ssrc id '\(text[..<space])' is not a 32-bit number")
        }
        let rest = text[text.index(after: space)...]
        guard !rest.isEmpty else { throw AttributeSyntaxError("ssrc has no source attribute") }
        if let colon = rest.firstIndex(of: ":") {
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

/// `a=rtcp-fb:<pt or *> <type> [<parameters>]` (RFC 4585 §4.2), e.g. `96 nack pli`, `96 ccm fir`.
public struct RTCPFeedback: Sendable, Hashable, CustomStringConvertible {
    /// The payload type, or `*` for all.
    public var format: String
    /// The feedback type and its parameters, as written (`nack pli`, `ccm fir`, `goog-remb`).
    public var feedback: String

    /// Creates an rtcp-fb attribute.
    public init(format: String, feedback: String) {
        self.format = format
        self.feedback = feedback
    }

    /// Parses the value after `a=rtcp-fb:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        let fields = splitFields(value)
        guard fields.count >= 2 else { throw AttributeSyntaxError("rtcp-fb needs '<pt> <type>'") }
        guard fields[0] == "*" || parseDecimal(fields[0], maxDigits: 3).map({ $0 <= 127 }) == true else {
            throw AttributeSyntaxError("rtcp-fb format '\(fields[0])' is not a payload type or '*'")
        }
        self.init(format: String(fields[0]), feedback: fields.dropFirst().joined(separator: " "))
    }

    /// The value after `a=rtcp-fb:`.
    public var description: String { "\(format) \(feedback)" }
}
