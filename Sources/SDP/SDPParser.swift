import NIOCore

/// Parses session descriptions from bytes (RFC 8866 §5, §9) with named limits.
///
/// Lenient where real devices are sloppy: LF-only line ends, trailing spaces and tabs, blank
/// lines, session-level lines in a different order, a missing `t=`, `m=` lines without formats.
/// Strict, with a typed ``SDPParseError`` naming the line, for real defects: a first line other
/// than `v=0`, unknown line types, malformed `o=`/`c=`/`m=`/`b=`/`t=` lines and malformed known
/// attributes (`rtpmap`, `fmtp`, `ptime`, `maxptime`, `rtcp`, `crypto`, `fingerprint`,
/// `setup`, `ssrc`, `rtcp-fb`), and exceeded limits.
public struct SDPParser: Sendable {
    /// Upper bounds on what a peer may make us hold. The defaults are far above any real
    /// telephony SDP (a WebRTC offer with simulcast stays under 16 KiB and 40 formats).
    public struct Limits: Sendable, Hashable {
        /// Largest body in bytes.
        public var maxBytes: Int = 32 * 1024
        /// Most lines, blank ones included.
        public var maxLines: Int = 1024
        /// Longest line in bytes.
        public var maxLineLength: Int = 2048
        /// Most `m=` sections.
        public var maxMediaSections: Int = 16
        /// Most formats on one `m=` line.
        public var maxFormatsPerMedia: Int = 64
        /// Most `a=` lines in the whole body.
        public var maxAttributes: Int = 512

        /// The default limits.
        public init() {}
    }

    /// The limits this parser enforces.
    public var limits: Limits

    /// Creates a parser.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses a body held in a `ByteBuffer` (the readable bytes).
    public func parse(_ buffer: ByteBuffer) throws(SDPParseError) -> SessionDescription {
        try parse(buffer.readableBytesView)
    }

    /// Parses a body given as text.
    public func parse(_ text: String) throws(SDPParseError) -> SessionDescription {
        try parse(Array(text.utf8))
    }

    /// Parses a body from its bytes.
    public func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(SDPParseError) -> SessionDescription {
        guard bytes.count <= limits.maxBytes else {
            throw SDPParseError(line: 0, .tooLarge(limit: limits.maxBytes))
        }
        // Parsed as a concrete array slice: a generic caller in another module would otherwise
        // run this (per byte) through unspecialised generic code.
        if let slice = bytes as? ArraySlice<UInt8> { return try parseBytes(slice) }
        if let array = bytes as? [UInt8] { return try parseBytes(array[...]) }
        return try parseBytes(Array(bytes)[...])
    }

    private func parseBytes(_ bytes: ArraySlice<UInt8>) throws(SDPParseError) -> SessionDescription {
        var builder = SessionDescriptionBuilder(limits: limits)
        // Lines are read in place from the body's storage: no per-line copies.
        let result: Result<Void, SDPParseError> = bytes.withUnsafeBufferPointer { body in
            var lineNumber = 0
            var start = 0
            while start < body.count {
                var end = start
                while end < body.count, body[end] != UInt8(ascii: "\n") { end += 1 }
                lineNumber += 1
                guard lineNumber <= limits.maxLines else {
                    return .failure(SDPParseError(line: lineNumber, .tooManyLines(limit: limits.maxLines)))
                }
                do throws(SDPParseError) {
                    try builder.consume(line: LineBytes(rebasing: body[start..<end]), number: lineNumber)
                } catch {
                    return .failure(error)
                }
                start = end + 1
            }
            return .success(())
        }
        try result.get()
        return try builder.finish()
    }
}

extension SessionDescription {
    /// Parses a body with the default limits.
    public init(parsing text: String) throws(SDPParseError) {
        self = try SDPParser().parse(text)
    }

    /// Parses a body with the default limits.
    public init(parsing buffer: ByteBuffer) throws(SDPParseError) {
        self = try SDPParser().parse(buffer)
    }
}
