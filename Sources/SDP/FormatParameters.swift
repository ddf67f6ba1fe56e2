/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15).
public struct FormatParameters: Sendable, Hashable, CustomStringConvertible {
    /// The format (payload type) the parameters belong to.
    public var format: String
    /// The parameter text as written.
    public var parameters: String

    /// Creates format parameters.
    public init(format: String, parameters: String) {
        self.format = format
        self.parameters = parameters
    }

    /// Parses the value after `a=fmtp:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        guard let space = (value.firstByte(UInt8(ascii: " ")) ?? value.firstByte(UInt8(ascii: "\t"))) else {
            // `a=fmtp:101` with no parameters: tolerated, empty parameters.
            guard !value.isEmpty else { throw AttributeSyntaxError("fmtp needs a format") }
            self.init(format: value, parameters: "")
            return
        }
        let format = value[..<space]
        guard !format.isEmpty else { throw AttributeSyntaxError("fmtp needs a format") }
        self.init(format: String(format),
                  parameters: String(value[space...].drop(while: { $0 == " " || $0 == "\t" })))
    }

    /// `key=value` pairs separated by `;` (the common form, RFC 4855 §3), keys lower-cased,
    /// spaces around them trimmed. A bare token (`0-15` for telephone-event) has a nil value.
    public var pairs: [(key: String, value: String?)] {
        parameters.splitBytes(UInt8(ascii: ";"), omittingEmpty: true).compactMap { item in
            let trimmed = item.trimmingSpaces()
            guard !trimmed.isEmpty else { return nil }
            guard let equals = trimmed.firstByte(UInt8(ascii: "=")) else { return (trimmed.lowercased(), nil) }
            return (trimmed[..<equals].trimmingSpaces().lowercased(),
                    trimmed[trimmed.index(after: equals)...].trimmingSpaces())
        }
    }

    /// The value of one `key=value` parameter (key compared case-insensitively).
    public func value(for key: String) -> String? {
        let lowered = key.lowercased()
        return pairs.first { $0.key == lowered }?.value
    }

    /// The value after `a=fmtp:`.
    public var description: String { "\(format) \(parameters)" }
}
