import NIOCore

/// Frames and parses messages from a stream transport (TCP, TLS): feed bytes as they arrive with
/// `append`, then call `next()` until it returns nil.
///
/// - Content-Length is mandatory and frames the body (RFC 3261 §18.3).
/// - CRLFs between messages are keep-alives (RFC 5626 §3.5.1, §4.4.1): every CRLF yields
///   `.keepAlivePong`, and the second of two consecutive CRLFs also yields `.keepAlivePing`. A
///   server answers each `.keepAlivePing` with one CRLF and ignores `.keepAlivePong`; a client
///   takes `.keepAlivePong` as the pong. (A lone CRLF cannot be told from the first half of a
///   ping without waiting, so the events are given as soon as each CRLF is complete: the result
///   does not depend on how the bytes were chunked.)
/// - A defect throws a `SIPParseError`. When `isFramingLost` is then true the connection can no
///   longer be read (send the error response if one can be built, then close); otherwise the bad
///   message was skipped and `next()` continues with the one after it.
///
/// ```swift
/// parser.append(buffer)
/// while let event = try parser.next() { ... }
/// ```
public struct SIPStreamParser: Sendable {
    /// A result of `next()`.
    public enum Event: Sendable {
        case message(SIPMessage)
        /// A double CRLF: answer with one CRLF (RFC 5626 §4.4.1).
        case keepAlivePing
        /// A CRLF between messages: the pong to our ping (RFC 5626 §4.4.1).
        case keepAlivePong
    }

    private enum State: Sendable {
        /// Between messages.
        case idle
        /// Inside a message's head; `scanIndex` is where the search for its end resumes.
        case head
        /// Head indexed; waiting until `total` bytes from `readIndex` are buffered.
        case body(MessageIndexer, bodyStart: Int, total: Int)
        case failed(SIPParseError)
    }

    /// The limits every message must keep.
    public let limits: SIPParseLimits
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var scanIndex = 0
    private var state: State = .idle
    /// True after one CRLF between messages, until the next byte that is not part of a CRLF.
    private var pendingCRLF = false

    /// A parser enforcing `limits`.
    public init(limits: SIPParseLimits = .default) {
        self.limits = limits
    }

    /// True after a defect that leaves the stream without framing: close the connection.
    public var isFramingLost: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Bytes received but not yet returned as an event.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds the readable bytes of a received ByteBuffer.
    public mutating func append(_ bytes: ByteBuffer) {
        compact()
        buffer.append(contentsOf: bytes.readableBytesView)
    }

    /// Drops consumed bytes from the front of the buffer (never inside a message's body, whose
    /// index holds absolute positions).
    private mutating func compact() {
        guard readIndex > 0 else { return }
        switch state {
        case .idle, .head:
            if readIndex == buffer.count {
                buffer.removeAll(keepingCapacity: true)
            } else if readIndex >= 4_096 || readIndex * 2 >= buffer.count {
                buffer.removeFirst(readIndex)
            } else {
                return
            }
            scanIndex = max(0, scanIndex - readIndex)
            readIndex = 0
        case .body, .failed:
            return
        }
    }

    /// The next message or keep-alive, nil when more bytes are needed.
    public mutating func next() throws(SIPParseError) -> Event? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .idle:
                guard readIndex < buffer.count else { return nil }
                let byte = buffer[readIndex]
                if byte == Octet.cr || byte == Octet.lf {
                    if byte == Octet.cr {
                        guard readIndex + 1 < buffer.count else { return nil }
                        guard buffer[readIndex + 1] == Octet.lf else {
                            readIndex += 1  // a stray CR between messages is skipped
                            continue
                        }
                        readIndex += 2
                    } else {
                        readIndex += 1  // a bare LF counts as a line end, as in messages
                    }
                    pendingCRLF.toggle()
                    return pendingCRLF ? .keepAlivePong : .keepAlivePing
                }
                pendingCRLF = false
                scanIndex = readIndex
                state = .head
            case .head:
                guard let headEnd = findHeadEnd() else {
                    if buffer.count - readIndex > limits.maxMessageSize {
                        fail(.messageTooLarge(limit: limits.maxMessageSize), indexing: buffer.count)
                        continue
                    }
                    return nil
                }
                indexHead(end: headEnd)
            case .body(let indexer, let bodyStart, let total):
                guard buffer.count - readIndex >= total else { return nil }
                let message = makeMessage(indexer, bodyStart: bodyStart, total: total)
                let headLength = bodyStart - readIndex
                readIndex += total
                state = .idle
                if let defect = indexer.headDefect() {
                    // Framing is intact: report the defect and go on with the next message.
                    throw SIPParseError(defect, offset: headLength, partialMessage: message)
                }
                return .message(message)
            }
        }
    }

    /// Finds the end of the head (one past the empty line), resuming at `scanIndex`.
    private mutating func findHeadEnd() -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            var from = scanIndex
            while let lf = findLineFeed(bytes, from: from, to: bytes.count) {
                guard lf + 1 < bytes.count else { scanIndex = lf; return nil }
                if bytes[lf + 1] == Octet.lf { return lf + 2 }
                if bytes[lf + 1] == Octet.cr {
                    guard lf + 2 < bytes.count else { scanIndex = lf; return nil }
                    if bytes[lf + 2] == Octet.lf { return lf + 3 }
                }
                from = lf + 1
            }
            scanIndex = max(scanIndex, bytes.count)
            return nil
        }
    }

    /// Indexes the head `buffer[readIndex..<end]`, reads Content-Length, and moves to `.body`.
    private mutating func indexHead(end: Int) {
        var indexer = MessageIndexer(limits: limits)
        do throws(ParseFailure) {
            guard end - readIndex <= limits.maxMessageSize else {
                throw ParseFailure(.messageTooLarge(limit: limits.maxMessageSize))
            }
            try indexer.index(buffer, from: readIndex, to: end)
            var storage = buffer
            var entries = indexer.entries
            if indexer.hasFolded { MessageIndexer.unfold(&storage, &entries) }
            guard let length = try MessageIndexer.contentLength(storage, entries) else {
                throw ParseFailure(.missingContentLength)
            }
            guard length <= limits.maxBodySize else { throw ParseFailure(.bodyTooLarge(limit: limits.maxBodySize)) }
            let total = end - readIndex + length
            guard total <= limits.maxMessageSize else { throw ParseFailure(.messageTooLarge(limit: limits.maxMessageSize)) }
            state = .body(indexer, bodyStart: end, total: total)
        } catch {
            state = .failed(SIPParser.error(error.kind, indexer, buffer, start: readIndex))
        }
    }

    /// Records a defect that loses framing, with what can be read of the head so far.
    private mutating func fail(_ kind: SIPParseError.Kind, indexing end: Int) {
        var indexer = MessageIndexer(limits: limits)
        var found = kind
        do throws(ParseFailure) {
            try indexer.index(buffer, from: readIndex, to: min(end, readIndex + limits.maxMessageSize))
        } catch {
            if error.kind != .incomplete { found = error.kind } else if let defect = indexer.startLineDefect { found = defect }
        }
        state = .failed(SIPParser.error(found, indexer, buffer, start: readIndex))
    }

    /// The message `buffer[readIndex..<readIndex + total]`, copied into its own storage with the
    /// index moved to match.
    private func makeMessage(_ indexer: MessageIndexer, bodyStart: Int, total: Int) -> SIPMessage {
        let base = readIndex
        var storage = Array(buffer[base..<(base + total)])
        var entries = indexer.entries
        let shift = Int32(base)
        for position in entries.indices {
            entries[position].lineStart -= shift
            entries[position].lineEnd -= shift
            entries[position].nameEnd -= shift
            entries[position].valueStart -= shift
            entries[position].valueEnd -= shift
        }
        if indexer.hasFolded { MessageIndexer.unfold(&storage, &entries) }
        let startLine: SIPStartLine
        switch indexer.startLine {
        case .request(let line):
            let uri = (line.uriBytes.startIndex - base)..<(line.uriBytes.endIndex - base)
            startLine = .request(SIPRequestLine(method: line.method, uriBytes: storage[uri]))
        case .response(let line):
            let reason = (line.reasonBytes.startIndex - base)..<(line.reasonBytes.endIndex - base)
            startLine = .response(SIPStatusLine(statusCode: line.statusCode, reasonBytes: storage[reason]))
        case nil:
            startLine = .response(SIPStatusLine(statusCode: 400, reasonBytes: []))
        }
        let separator = indexer.separator.map { ($0.lowerBound - base)..<($0.upperBound - base) }
        let startRange = (indexer.startLineRange.lowerBound - base)..<(indexer.startLineRange.upperBound - base)
        return SIPMessage(
            startLine: startLine, headers: SIPHeaders(storage: storage, entries: entries),
            body: storage[(bodyStart - base)..<total], originalStartLine: startRange,
            originalSeparator: separator, pristineRange: 0..<total)
    }
}
