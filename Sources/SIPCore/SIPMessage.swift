/// A SIP request or response (RFC 3261 §7): start line, header fields, body.
///
/// A parsed message keeps its original bytes in one array shared by its header index, its
/// start line and its body; typed header values are parsed when asked for. Serializing an
/// untouched message gives back the exact bytes it was parsed from; changed parts are written
/// canonically (see `SIPMessage+Serialization.swift`).
public struct SIPMessage: Sendable, CustomStringConvertible {
    /// The request line or status line. Setting it makes serialization write it canonically.
    public var startLine: SIPStartLine {
        didSet { originalStartLine = nil; pristineRange = nil }
    }

    /// The header fields in message order.
    public var headers: SIPHeaders {
        didSet { pristineRange = nil }
    }

    /// The message body (RFC 3261 §7.4). Setting it makes serialization write a new
    /// Content-Length (RFC 3261 §20.14).
    public var body: ArraySlice<UInt8> {
        didSet { bodyChanged = true; pristineRange = nil }
    }

    /// Where the original start line's bytes (with terminator) sit in `headers.storage`,
    /// while the start line is unchanged.
    var originalStartLine: Range<Int>?
    /// The original empty line separating headers from body (CRLF, or LF when the peer wrote
    /// bare LFs).
    var originalSeparator: Range<Int>?
    /// The whole original message in `headers.storage`, while nothing was changed.
    var pristineRange: Range<Int>?
    /// True when the body was set after parsing (or the message was built): Content-Length is
    /// then written from the body's size.
    var bodyChanged: Bool

    /// A new request with the given fields; serialization adds Content-Length.
    public init(request: SIPRequestLine, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.startLine = .request(request)
        self.headers = headers
        self.body = body[...]
        self.bodyChanged = true
    }

    /// A new response with the given fields; serialization adds Content-Length.
    public init(response: SIPStatusLine, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.startLine = .response(response)
        self.headers = headers
        self.body = body[...]
        self.bodyChanged = true
    }

    init(
        startLine: SIPStartLine, headers: SIPHeaders, body: ArraySlice<UInt8>,
        originalStartLine: Range<Int>?, originalSeparator: Range<Int>?, pristineRange: Range<Int>?
    ) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
        self.originalStartLine = originalStartLine
        self.originalSeparator = originalSeparator
        self.pristineRange = pristineRange
        self.bodyChanged = false
    }

    /// True for a request.
    public var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    /// The request line, for a request.
    public var requestLine: SIPRequestLine? {
        if case .request(let line) = startLine { return line }
        return nil
    }

    /// The status line, for a response.
    public var statusLine: SIPStatusLine? {
        if case .response(let line) = startLine { return line }
        return nil
    }

    /// The request's method; for a response, nil (use `cseq` for the method it answers).
    public var method: SIPMethod? { requestLine?.method }

    /// The response's status code; nil for a request.
    public var statusCode: Int? { statusLine?.statusCode }

    /// The body as text (UTF-8, invalid bytes replaced).
    public var bodyString: String { String(sipBytes: body) }

    /// True when nothing was changed since parsing, so serialization copies the original bytes.
    public var isUnchanged: Bool { pristineRange != nil }

    /// Replaces the body and its Content-Type (RFC 3261 §20.15); a nil `contentType` removes
    /// the field. Content-Length is written from the new body when serialized (also when the
    /// original message had none, as a stream transport needs, RFC 3261 §18.3).
    public mutating func setBody(_ newBody: [UInt8], contentType: String?) {
        body = newBody[...]
        if let contentType { headers.set(.contentType, value: contentType) } else { headers.removeAll(.contentType) }
    }

    /// The message as it would be sent (for logs and tests).
    public var description: String { serializedString }
}
