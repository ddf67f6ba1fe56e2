/// The one pass over a message's head: finds the start line, every header field's line, name
/// and value, and the empty line, without creating a String. Shared by the datagram and the
/// stream parser. On a defect it throws, leaving what it read so far in its properties (for
/// `SIPParseError.partialMessage`).
struct MessageIndexer {
    let limits: SIPParseLimits
    var startLine: SIPStartLine?
    var startLineRange: Range<Int> = 0..<0
    var entries: [HeaderEntry] = []
    /// The empty line after the header fields.
    var separator: Range<Int>?
    /// Bit `code` is set when a field with table code `code` (< 64) was seen.
    var seen: UInt64 = 0
    var hasFolded = false
    /// A defect of the start line found while the header fields were still read: a version
    /// other than SIP/2.0 (answered 505), or a malformed request line (answered 400 when Via
    /// and CSeq follow).
    var startLineDefect: SIPParseError.Kind?
    /// Start of the line being read (the error offset on a defect).
    var position = 0

    init(limits: SIPParseLimits) {
        self.limits = limits
        entries.reserveCapacity(24)
    }

    func hasSeen(_ code: UInt8) -> Bool { seen & (1 << UInt64(code)) != 0 }

    /// Indexes `storage[start..<end]` up to and including the empty line that ends the header
    /// fields (RFC 3261 §7: `start-line *message-header CRLF`). Lines end in CRLF; a bare LF is
    /// accepted as well.
    mutating func index(_ storage: [UInt8], from start: Int, to end: Int) throws(ParseFailure) {
        let result: ParseFailure? = storage.withUnsafeBufferPointer { buffer in
            do throws(ParseFailure) {
                try indexLines(buffer, storage, from: start, to: end)
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }

    private mutating func indexLines(
        _ buffer: UnsafeBufferPointer<UInt8>, _ storage: [UInt8], from start: Int, to end: Int
    ) throws(ParseFailure) {
        var pos = start
        position = pos
        guard let firstLF = findLineFeed(buffer, from: pos, to: end) else {
            if end - pos > limits.maxStartLineLength { throw ParseFailure(.startLineTooLong(limit: limits.maxStartLineLength)) }
            throw ParseFailure(.incomplete)
        }
        let firstEnd = firstLF > pos && buffer[firstLF - 1] == Octet.cr ? firstLF - 1 : firstLF
        if firstEnd - pos > limits.maxStartLineLength { throw ParseFailure(.startLineTooLong(limit: limits.maxStartLineLength)) }
        do {
            let (line, isSIP20) = try StartLineParser.parse(buffer, storage, from: pos, to: firstEnd)
            startLine = line
            if !isSIP20 { startLineDefect = .unsupportedVersion }
        } catch {
            guard let salvaged = StartLineParser.salvageRequestLine(buffer, storage, from: pos, to: firstEnd) else {
                throw error
            }
            startLine = salvaged
            startLineDefect = error.kind
        }
        startLineRange = pos..<(firstLF + 1)
        pos = firstLF + 1

        // The loop works on locals (kept in registers), written back however it ends.
        var entries = self.entries
        self.entries = []
        var seen: UInt64 = 0
        let maxLineLength = limits.maxLineLength
        let maxHeaderCount = limits.maxHeaderCount
        defer {
            self.entries = entries
            self.seen = seen
        }

        while true {
            position = pos
            guard let lf = findLineFeed(buffer, from: pos, to: end) else {
                if end - pos > maxLineLength { throw ParseFailure(.lineTooLong(limit: maxLineLength)) }
                throw ParseFailure(.incomplete)
            }
            let contentEnd = lf > pos && buffer[lf - 1] == Octet.cr ? lf - 1 : lf
            if contentEnd == pos {
                separator = pos..<(lf + 1)
                position = lf + 1
                return
            }
            if contentEnd - pos > maxLineLength { throw ParseFailure(.lineTooLong(limit: maxLineLength)) }
            let first = buffer[pos]
            var valueEnd = contentEnd
            if first == Octet.space || first == Octet.tab {
                // RFC 3261 §7.3.1: a line starting with whitespace continues the field above.
                guard var entry = entries.last else {
                    throw ParseFailure(.malformedHeader("continuation line before the first header field"))
                }
                var valueStart = pos
                while valueStart < contentEnd && Octet.isWhitespace(buffer[valueStart]) { valueStart += 1 }
                while valueEnd > valueStart && Octet.isWhitespace(buffer[valueEnd - 1]) { valueEnd -= 1 }
                if valueEnd > valueStart {
                    if entry.valueStart == entry.valueEnd {
                        entry.valueStart = Int32(valueStart)
                    } else {
                        hasFolded = true
                    }
                    entry.valueEnd = Int32(valueEnd)
                }
                entry.lineEnd = Int32(lf + 1)
                entries[entries.count - 1] = entry
                pos = lf + 1
                continue
            }
            var index = pos
            while index < contentEnd && Octet.isTokenByte(buffer[index]) { index += 1 }
            let nameEnd = index
            guard nameEnd > pos else { throw ParseFailure(.malformedHeader("header line does not start with a field name")) }
            while index < contentEnd && Octet.isWhitespace(buffer[index]) { index += 1 }
            guard index < contentEnd, buffer[index] == Octet.colon else {
                throw ParseFailure(.malformedHeader("no colon after the header field name"))
            }
            index += 1
            while index < contentEnd && Octet.isWhitespace(buffer[index]) { index += 1 }
            while valueEnd > index && Octet.isWhitespace(buffer[valueEnd - 1]) { valueEnd -= 1 }
            guard entries.count < maxHeaderCount else { throw ParseFailure(.tooManyHeaders(limit: maxHeaderCount)) }
            let code = HeaderName.code(for: UnsafeBufferPointer(rebasing: buffer[pos..<nameEnd]))
            if code < 64 { seen |= 1 << UInt64(code) }
            entries.append(
                HeaderEntry(
                    lineStart: Int32(pos), lineEnd: Int32(lf + 1), nameEnd: Int32(nameEnd),
                    valueStart: Int32(index), valueEnd: Int32(valueEnd), code: code))
            pos = lf + 1
        }
    }

    /// Replaces folded values by an unfolded copy after the message bytes: each run of
    /// whitespace around a line break becomes one SP (RFC 3261 §7.3.1, §25.1 `LWS`).
    static func unfold(_ storage: inout [UInt8], _ entries: inout [HeaderEntry]) {
        for position in entries.indices {
            let range = entries[position].valueRange
            guard storage[range].contains(Octet.lf) else { continue }
            var unfolded: [UInt8] = []
            unfolded.reserveCapacity(range.count)
            var index = range.lowerBound
            while index < range.upperBound {
                let byte = storage[index]
                if byte == Octet.cr || byte == Octet.lf {
                    while let last = unfolded.last, Octet.isWhitespace(last) { unfolded.removeLast() }
                    while index < range.upperBound,
                        storage[index] == Octet.cr || storage[index] == Octet.lf || Octet.isWhitespace(storage[index])
                    {
                        index += 1
                    }
                    unfolded.append(Octet.space)
                    continue
                }
                unfolded.append(byte)
                index += 1
            }
            let start = storage.count
            storage.append(contentsOf: unfolded)
            entries[position].valueStart = Int32(start)
            entries[position].valueEnd = Int32(storage.count)
        }
    }

    /// The value of the Content-Length field(s) (RFC 3261 §20.14), nil when there is none.
    static func contentLength(_ storage: [UInt8], _ entries: [HeaderEntry]) throws(ParseFailure) -> Int? {
        var result: Int?
        for entry in entries where entry.code == HeaderName.codeContentLength {
            guard let value = storage[entry.valueRange].parseDecimal() else { throw ParseFailure(.invalidContentLength) }
            if let result, result != value { throw ParseFailure(.conflictingContentLength) }
            result = value
        }
        return result
    }

    /// The mandatory field missing from the message, if any (RFC 3261 §8.1.1 lists To, From,
    /// CSeq, Call-ID, Max-Forwards and Via; Max-Forwards is not enforced here because a
    /// proxy-less peer may omit it and RFC 3261 §16.3 lets the element add it).
    /// The defect found in a complete head (version, mandatory fields), if any.
    func headDefect() -> SIPParseError.Kind? {
        if let startLineDefect { return startLineDefect }
        return missingMandatoryHeader().map { .missingHeader($0) }
    }

    func missingMandatoryHeader() -> HeaderName? {
        let mandatory: UInt64 = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5
        if seen & mandatory == mandatory { return nil }
        for code in [HeaderName.codeVia, HeaderName.codeFrom, HeaderName.codeTo, HeaderName.codeCallID, HeaderName.codeCSeq]
        where !hasSeen(code) {
            return HeaderName(code: code)
        }
        return nil
    }
}
