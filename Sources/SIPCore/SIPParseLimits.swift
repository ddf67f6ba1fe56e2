/// Named limits for parsing peer input. A message that exceeds one is rejected with a
/// `SIPParseError` naming the limit; nothing is buffered past `maxMessageSize`.
public struct SIPParseLimits: Hashable, Sendable {
    /// The whole message, start line to end of body, in bytes. The default, 65,535, is the
    /// largest UDP payload (RFC 3261 §18.1.1 lets TCP carry more; raise it for a stream
    /// transport that must accept larger bodies).
    public var maxMessageSize: Int
    /// The number of header fields (a folded field counts once).
    public var maxHeaderCount: Int
    /// One line (start line, header line or continuation line) without its terminator.
    public var maxLineLength: Int
    /// The start line; a longer request line is answered 414 (RFC 3261 §21.4.12).
    public var maxStartLineLength: Int
    /// The body, as declared by Content-Length or found in a datagram; a larger one is answered
    /// 413 (RFC 3261 §21.4.11).
    public var maxBodySize: Int

    /// Limits with the given values (each defaults to the value in `.default`).
    public init(
        maxMessageSize: Int = 65_535, maxHeaderCount: Int = 128, maxLineLength: Int = 8_192,
        maxStartLineLength: Int = 4_096, maxBodySize: Int = 60_000
    ) {
        // The header index stores 32-bit positions.
        self.maxMessageSize = min(maxMessageSize, Int(Int32.max) / 2)
        self.maxHeaderCount = maxHeaderCount
        self.maxLineLength = maxLineLength
        self.maxStartLineLength = maxStartLineLength
        self.maxBodySize = maxBodySize
    }

    /// The defaults: 65,535-byte messages, 128 header fields, 8 KiB lines, 4 KiB start lines,
    /// 60,000-byte bodies.
    public static let `default` = SIPParseLimits()
}
