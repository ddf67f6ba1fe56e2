/// Parses the start line (RFC 3261 §7.1 Request-Line, §7.2 Status-Line) from the bytes of one
/// line without its terminator. A well-formed line with a version other than SIP/2.0 is
/// returned with `isSIP20` false, so that the message can still be read and answered 505.
enum StartLineParser {
    static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, _ storage: [UInt8], from start: Int, to end: Int
    ) throws(ParseFailure) -> (line: SIPStartLine, isSIP20: Bool) {
        guard end > start else { throw ParseFailure(.malformedStartLine("empty start line")) }
        if end - start >= 4, isSIPSlash(buffer, start) {
            return try parseStatusLine(buffer, storage, from: start, to: end)
        }
        return try parseRequestLine(buffer, storage, from: start, to: end)
    }

    /// For a request line that failed to parse: its method and the rest of the line as the
    /// Request-URI, when it starts with `token SP` (so the header fields can still be read and
    /// the request answered 400); nil when it does not look like a request line at all.
    static func salvageRequestLine(
        _ buffer: UnsafeBufferPointer<UInt8>, _ storage: [UInt8], from start: Int, to end: Int
    ) -> SIPStartLine? {
        guard !(end - start >= 4 && isSIPSlash(buffer, start)) else { return nil }
        var index = start
        while index < end, Octet.isTokenByte(buffer[index]) { index += 1 }
        guard index > start, index < end, buffer[index] == Octet.space else { return nil }
        let line = SIPRequestLine(method: SIPMethod(bytes: storage[start..<index]), uriBytes: storage[(index + 1)..<end])
        return .request(line)
    }

    /// True when the bytes at `index` are `SIP/` (any case).
    private static func isSIPSlash(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        Octet.lower(buffer[index]) == 0x73 && Octet.lower(buffer[index + 1]) == 0x69
            && Octet.lower(buffer[index + 2]) == 0x70 && buffer[index + 3] == 0x2F
    }

    /// Checks `SIP-Version` (RFC 3261 §7.1: `"SIP" "/" 1*DIGIT "." 1*DIGIT`, case-insensitive).
    /// Returns false for a well-formed version other than 2.0.
    private static func checkVersion(
        _ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
    ) throws(ParseFailure) -> Bool {
        let count = end - start
        guard count >= 4, isSIPSlash(buffer, start) else { throw ParseFailure(.malformedStartLine("no SIP version")) }
        if count == 7, buffer[start + 4] == 0x32, buffer[start + 5] == 0x2E, buffer[start + 6] == 0x30 { return true }
        // Something else: a well-formed other version is answered 505, garbage 400.
        var index = start + 4
        var digitsBefore = 0
        while index < end, Octet.isDigit(buffer[index]) { index += 1; digitsBefore += 1 }
        guard digitsBefore > 0, index < end, buffer[index] == 0x2E else { throw ParseFailure(.malformedStartLine("malformed SIP version")) }
        index += 1
        var digitsAfter = 0
        while index < end, Octet.isDigit(buffer[index]) { index += 1; digitsAfter += 1 }
        guard digitsAfter > 0, index == end else { throw ParseFailure(.malformedStartLine("malformed SIP version")) }
        return false
    }

    /// `Method SP Request-URI SP SIP-Version`, exactly one SP between the elements and none at
    /// the end (RFC 3261 §7.1; RFC 4475 §3.1.2.8-10 let an element reject anything else).
    private static func parseRequestLine(
        _ buffer: UnsafeBufferPointer<UInt8>, _ storage: [UInt8], from start: Int, to end: Int
    ) throws(ParseFailure) -> (line: SIPStartLine, isSIP20: Bool) {
        var index = start
        while index < end, Octet.isTokenByte(buffer[index]) { index += 1 }
        let methodEnd = index
        guard methodEnd > start else { throw ParseFailure(.malformedStartLine("no method")) }
        guard index < end, buffer[index] == Octet.space else {
            throw ParseFailure(.malformedStartLine("method is not a token followed by one space"))
        }
        index += 1
        let uriStart = index
        while index < end {
            let byte = buffer[index]
            if byte == Octet.space { break }
            guard byte > Octet.space, byte != 0x7F else {
                throw ParseFailure(.malformedStartLine("whitespace or control character in the Request-URI"))
            }
            index += 1
        }
        let uriEnd = index
        guard uriEnd > uriStart else {
            throw ParseFailure(.malformedStartLine(uriEnd < end ? "more than one space between request-line elements" : "empty Request-URI"))
        }
        guard uriEnd < end else { throw ParseFailure(.malformedStartLine("no SIP version after the Request-URI")) }
        let versionStart = uriEnd + 1
        index = versionStart
        while index < end, !Octet.isWhitespace(buffer[index]) { index += 1 }
        if index < end {
            // Another SP: either extra spaces (RFC 4475 §3.1.2.9, §3.1.2.10) or a space inside
            // the Request-URI (§3.1.2.8).
            var rest = index
            while rest < end, Octet.isWhitespace(buffer[rest]) { rest += 1 }
            let extra = index == versionStart || rest == end
            throw ParseFailure(.malformedStartLine(
                extra ? "more than one space between request-line elements" : "whitespace or control character in the Request-URI"))
        }
        let isSIP20 = try checkVersion(buffer, from: versionStart, to: end)
        let line = SIPRequestLine(method: SIPMethod(bytes: storage[start..<methodEnd]), uriBytes: storage[uriStart..<uriEnd])
        return (.request(line), isSIP20)
    }

    /// `SIP-Version SP Status-Code SP Reason-Phrase`; a missing SP and reason after the code is
    /// accepted (seen in the field).
    private static func parseStatusLine(
        _ buffer: UnsafeBufferPointer<UInt8>, _ storage: [UInt8], from start: Int, to end: Int
    ) throws(ParseFailure) -> (line: SIPStartLine, isSIP20: Bool) {
        var index = start
        while index < end, buffer[index] != Octet.space { index += 1 }
        let isSIP20 = try checkVersion(buffer, from: start, to: index)
        guard index + 4 <= end else { throw ParseFailure(.malformedStartLine("no status code")) }
        let codeStart = index + 1
        guard let code = storage[codeStart..<(codeStart + 3)].parseDecimal(), (100...699).contains(code) else {
            throw ParseFailure(.malformedStartLine("status code is not three digits from 100 to 699"))
        }
        var reasonStart = codeStart + 3
        if reasonStart < end {
            guard buffer[reasonStart] == Octet.space else {
                throw ParseFailure(.malformedStartLine("status code is not three digits from 100 to 699"))
            }
            reasonStart += 1
        }
        return (.response(SIPStatusLine(statusCode: code, reasonBytes: storage[reasonStart..<end])), isSIP20)
    }
}
