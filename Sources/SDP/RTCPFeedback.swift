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
