import NIOCore

/// Parses whole messages from datagrams (UDP, RFC 3261 §18.3): the body is the rest of the
/// datagram; Content-Length is optional, and when present it must not exceed the bytes
/// received (an error) and shortens the body when smaller (the surplus is discarded).
/// The parser checks framing, the start line, header-line syntax, limits and the presence of
/// Via, From, To, Call-ID and CSeq; `SIPMessage.validate()` then checks the grammar of the
/// values every element relies on.
///
/// ```swift
/// let message = try SIPParser().parse(datagram)
/// ```
public struct SIPParser: Sendable {
    /// The limits every message must keep.
    public var limits: SIPParseLimits

    /// A parser enforcing `limits`.
    public init(limits: SIPParseLimits = .default) {
        self.limits = limits
    }

    /// Parses one datagram's bytes. The message keeps `datagram` as its storage (no copy).
    public func parse(_ datagram: [UInt8]) throws(SIPParseError) -> SIPMessage {
        var start = 0
        // RFC 3261 §7.5: CRLFs before the start line are ignored.
        while start < datagram.count, datagram[start] == Octet.cr || datagram[start] == Octet.lf { start += 1 }
        guard start < datagram.count else { throw SIPParseError(.empty, offset: 0) }
        let end = min(datagram.count, start + limits.maxMessageSize)

        var indexer = MessageIndexer(limits: limits)
        do {
            try indexer.index(datagram, from: start, to: end)
        } catch {
            var kind = error.kind
            if kind == .incomplete && end < datagram.count { kind = .messageTooLarge(limit: limits.maxMessageSize) }
            if kind == .incomplete, let defect = indexer.startLineDefect { kind = defect }
            throw Self.error(kind, indexer, datagram, start: start)
        }
        guard let separator = indexer.separator else {
            throw Self.error(.incomplete, indexer, datagram, start: start)
        }
        if datagram.count - start > limits.maxMessageSize {
            throw Self.error(.messageTooLarge(limit: limits.maxMessageSize), indexer, datagram, start: start)
        }
        if let defect = indexer.startLineDefect {
            indexer.position = start
            throw Self.error(defect, indexer, datagram, start: start)
        }
        var storage = datagram
        var entries = indexer.entries
        if indexer.hasFolded { MessageIndexer.unfold(&storage, &entries) }
        indexer.entries = entries

        let bodyStart = separator.upperBound
        var bodyEnd = datagram.count
        do throws(ParseFailure) {
            if let declared = try MessageIndexer.contentLength(storage, entries) {
                guard declared <= bodyEnd - bodyStart else {
                    throw ParseFailure(.bodyShorterThanContentLength(declared: declared, received: bodyEnd - bodyStart))
                }
                bodyEnd = bodyStart + declared
            }
            if bodyEnd - bodyStart > limits.maxBodySize { throw ParseFailure(.bodyTooLarge(limit: limits.maxBodySize)) }
            if let defect = indexer.headDefect() { throw ParseFailure(defect) }
        } catch {
            indexer.position = separator.lowerBound
            throw Self.error(error.kind, indexer, storage, start: start)
        }
        return Self.message(indexer, storage, start: start, body: bodyStart..<bodyEnd)
    }

    /// Parses one datagram held in a ByteBuffer (copied once into the message's storage).
    public func parse(_ datagram: ByteBuffer) throws(SIPParseError) -> SIPMessage {
        try parse(Array(datagram.readableBytesView))
    }

    /// Parses a message written as text (tests, fixtures).
    public func parse(_ text: String) throws(SIPParseError) -> SIPMessage {
        try parse(Array(text.utf8))
    }

    /// A message from a finished index: start line, fields and body share `storage`.
    static func message(
        _ indexer: MessageIndexer, _ storage: [UInt8], start: Int, body: Range<Int>
    ) -> SIPMessage {
        // The indexer only finishes after reading the start line.
        let startLine = indexer.startLine ?? .response(SIPStatusLine(statusCode: 400, reasonBytes: []))
        return SIPMessage(
            startLine: startLine, headers: SIPHeaders(storage: storage, entries: indexer.entries),
            body: storage[body], originalStartLine: indexer.startLineRange,
            originalSeparator: indexer.separator, pristineRange: start..<body.upperBound)
    }

    /// The error for `kind`, with what was read before it as the partial message.
    static func error(
        _ kind: SIPParseError.Kind, _ indexer: MessageIndexer, _ storage: [UInt8], start: Int
    ) -> SIPParseError {
        var partial: SIPMessage?
        if let startLine = indexer.startLine {
            var storage = storage
            var entries = indexer.entries
            if indexer.hasFolded { MessageIndexer.unfold(&storage, &entries) }
            partial = SIPMessage(
                startLine: startLine, headers: SIPHeaders(storage: storage, entries: entries), body: [],
                originalStartLine: indexer.startLineRange, originalSeparator: nil, pristineRange: nil)
        }
        return SIPParseError(kind, offset: indexer.position - start, partialMessage: partial)
    }
}
