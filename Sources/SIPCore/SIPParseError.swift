/// Why a message could not be parsed, where, and whether it can still be answered.
///
/// Peer input never traps: every defect the parsers find is one of these. When the defective
/// message is a request whose Via and CSeq were read, `makeResponse()` builds the error response
/// RFC 3261 §8.2.6 / §16.3 ask for (usually 400, with a reason phrase naming the defect).
public struct SIPParseError: Error, Sendable, CustomStringConvertible {
    /// The defect.
    public enum Kind: Hashable, Sendable {
        /// The input held only CR/LF bytes (a keep-alive, or nothing at all).
        case empty
        /// The input ended before the empty line that ends the header fields.
        case incomplete
        /// The message is larger than `SIPParseLimits.maxMessageSize`.
        case messageTooLarge(limit: Int)
        /// The start line is longer than `SIPParseLimits.maxStartLineLength`.
        case startLineTooLong(limit: Int)
        /// A line is longer than `SIPParseLimits.maxLineLength`.
        case lineTooLong(limit: Int)
        /// More header fields than `SIPParseLimits.maxHeaderCount`.
        case tooManyHeaders(limit: Int)
        /// The body is larger than `SIPParseLimits.maxBodySize`.
        case bodyTooLarge(limit: Int)
        /// The start line does not follow RFC 3261 §7.1 / §7.2; the text says how.
        case malformedStartLine(String)
        /// The SIP-Version is not SIP/2.0 (answered 505, RFC 3261 §21.5.7).
        case unsupportedVersion
        /// A header line does not follow RFC 3261 §7.3; the text says how.
        case malformedHeader(String)
        /// Content-Length is not a decimal number (RFC 3261 §20.14).
        case invalidContentLength
        /// Several Content-Length fields disagree.
        case conflictingContentLength
        /// A message on a stream transport has no Content-Length (RFC 3261 §18.3: mandatory).
        case missingContentLength
        /// A datagram holds fewer body bytes than Content-Length declares (RFC 3261 §18.3).
        case bodyShorterThanContentLength(declared: Int, received: Int)
        /// A header every request and response carries is missing (RFC 3261 §8.1.1: To, From,
        /// CSeq, Call-ID, Via).
        case missingHeader(HeaderName)
        /// A header value every element relies on does not follow its grammar (found by
        /// `SIPMessage.validate()`).
        case invalidHeaderValue(HeaderName, SIPGrammarError)
        /// The Request-URI does not follow RFC 3261 §19.1.1 / §25.1 (`SIPMessage.validate()`).
        case invalidRequestURI(SIPGrammarError)
        /// The CSeq method differs from the request method (RFC 3261 §8.1.1.5, §8.2).
        case cseqMethodMismatch
        /// A field that may appear once (To, From, Call-ID, CSeq, Max-Forwards) appears again
        /// (RFC 3261 §7.3.1, RFC 4475 §3.3.8 multi01; `SIPMessage.validate()`).
        case repeatedSingleValueHeader(HeaderName)
    }

    /// What is wrong.
    public let kind: Kind
    /// Where the defect was found: for the parsers, the byte offset from the start of the
    /// message (after any leading CRLFs); for `SIPMessage.validate()`, the position in the
    /// message's byte storage (the grammar error's offset).
    public let offset: Int
    /// What was read before the defect: the start line and the header fields before it, with
    /// an empty body. Nil when not even the start line could be read.
    public let partialMessage: SIPMessage?

    /// An error of `kind` found at `offset`, with what was read before it.
    public init(_ kind: Kind, offset: Int, partialMessage: SIPMessage? = nil) {
        self.kind = kind
        self.offset = offset
        self.partialMessage = partialMessage
    }

    /// The status code of the response that reports this defect: 505 for a version other than
    /// SIP/2.0, 414 for an overlong Request-URI line, 413 for an overlong body, 513 for an
    /// overlong message (RFC 3261 §21.4.11, §21.4.12, §21.5.7, §21.5.12), else 400.
    public var statusCode: Int {
        switch kind {
        case .unsupportedVersion: 505
        case .startLineTooLong: 414
        case .bodyTooLarge: 413
        case .messageTooLarge, .tooManyHeaders, .lineTooLong: 513
        default: 400
        }
    }

    /// A reason phrase naming the defect, for the error response.
    public var reasonPhrase: String {
        switch kind {
        case .empty: "Bad Request (empty message)"
        case .incomplete: "Bad Request (header fields not terminated by an empty line)"
        case .messageTooLarge: "Message Too Large"
        case .startLineTooLong: "Request-URI Too Long"
        case .lineTooLong: "Message Too Large (header line too long)"
        case .tooManyHeaders: "Message Too Large (too many header fields)"
        case .bodyTooLarge: "Request Entity Too Large"
        case .malformedStartLine(let what): "Bad Request (\(what))"
        case .unsupportedVersion: "Version Not Supported"
        case .malformedHeader(let what): "Bad Request (\(what))"
        case .invalidContentLength: "Bad Request (invalid Content-Length)"
        case .conflictingContentLength: "Bad Request (conflicting Content-Length)"
        case .missingContentLength: "Bad Request (missing Content-Length)"
        case .bodyShorterThanContentLength: "Bad Request (body shorter than Content-Length)"
        case .missingHeader(let name): "Bad Request (missing \(name.canonicalName))"
        case .invalidHeaderValue(let name, _): "Bad Request (invalid \(name.canonicalName))"
        case .invalidRequestURI: "Bad Request (invalid Request-URI)"
        case .cseqMethodMismatch: "Bad Request (CSeq method does not match the request method)"
        case .repeatedSingleValueHeader(let name): "Bad Request (more than one \(name.canonicalName))"
        }
    }

    /// True when an error response can be sent: the message is a request other than ACK
    /// (RFC 3261 §17.2.3: ACK is never answered) and its Via (where to send the response,
    /// RFC 3261 §18.2.2) and CSeq (how the client matches it, RFC 3261 §17.1.3) were read.
    /// From, To and Call-ID are copied when they were read too.
    public var canBuildResponse: Bool {
        guard let message = partialMessage, let method = message.method, method != .ack else { return false }
        return message.headers.contains(.via) && message.headers.contains(.cseq)
    }

    /// The response reporting this defect (RFC 3261 §8.2.6): Via, From, To (with a tag added),
    /// Call-ID and CSeq copied, status `statusCode`, reason `reasonPhrase`. Nil when
    /// `canBuildResponse` is false.
    public func makeResponse(toTag: String? = nil) -> SIPMessage? {
        guard canBuildResponse, let request = partialMessage else { return nil }
        return SIPMessage.makeResponse(to: request, status: statusCode, reason: reasonPhrase, toTag: toTag)
    }

    /// Where and what, for logs.
    public var description: String {
        "SIP parse error at byte \(offset): \(reasonPhrase)"
    }
}

/// A defect found while indexing (internal: the parsers wrap it into `SIPParseError`).
struct ParseFailure: Error {
    let kind: SIPParseError.Kind
    init(_ kind: SIPParseError.Kind) { self.kind = kind }
}
