// Building the messages a transaction layer derives from a request: responses (RFC 3261
// §8.2.6), CANCEL (§9.1) and the ACK for a non-2xx final response (§17.1.1.3).

extension SIPMessage {
    /// A response to `request` (RFC 3261 §8.2.6.2): every Via field copied in order, From,
    /// Call-ID and CSeq copied, To copied with a tag added when it has none and the status is
    /// above 100 (`toTag`, or a random one), Timestamp copied into a 100 (§8.2.6.1).
    /// Content-Length is written when serialized. Other fields (Contact, Record-Route for
    /// dialog-creating responses, §12.1.1) are the caller's to add.
    public static func makeResponse(
        to request: SIPMessage, status: Int, reason: String? = nil, toTag: String? = nil
    ) -> SIPMessage {
        let source = request.headers
        var headers = SIPHeaders()
        headers.storage.reserveCapacity(512)
        headers.entries.reserveCapacity(12)
        for index in source.indices(of: .via) { headers.append(.via, bytes: source[index].value) }
        if let from = source.firstValue(.from) { headers.append(.from, bytes: from) }
        if let to = source.firstValue(.to) {
            if status > 100 && SIPHeaderParameter.value(named: "tag", in: to) == nil {
                var tagged = Array(to)
                tagged.append(contentsOf: ";tag=".utf8)
                tagged.append(contentsOf: (toTag ?? makeTag()).utf8)
                headers.append(.to, bytes: tagged)
            } else {
                headers.append(.to, bytes: to)
            }
        }
        if let callID = source.firstValue(.callID) { headers.append(.callID, bytes: callID) }
        if let cseq = source.firstValue(.cseq) { headers.append(.cseq, bytes: cseq) }
        if status == 100, let timestamp = source.firstValue(.timestamp) { headers.append(.timestamp, bytes: timestamp) }
        let phrase = reason ?? SIPMessage.defaultReason(for: status)
        return SIPMessage(response: SIPStatusLine(statusCode: status, reason: phrase), headers: headers)
    }

    /// A response to this request (see `makeResponse(to:status:reason:toTag:)`).
    public func makeResponse(status: Int, reason: String? = nil, toTag: String? = nil) -> SIPMessage {
        SIPMessage.makeResponse(to: self, status: status, reason: reason, toTag: toTag)
    }

    /// The CANCEL for a pending `request` (RFC 3261 §9.1): same Request-URI, Call-ID, To, From
    /// and CSeq number with method CANCEL, one Via equal to the request's top Via, and the
    /// request's Route fields. Nil when `request` is not a request or lacks those fields.
    public static func makeCancel(for request: SIPMessage) -> SIPMessage? {
        makeSibling(of: request, method: .cancel, to: request.headers.firstValue(.to))
    }

    /// The ACK for a non-2xx final `response` to an INVITE `request` (RFC 3261 §17.1.1.3):
    /// Request-URI, Call-ID, From, top Via and Route from the request, To from the response
    /// (with its tag), CSeq number of the request with method ACK. Nil when a field is missing.
    public static func makeACK(for request: SIPMessage, response: SIPMessage) -> SIPMessage? {
        makeSibling(of: request, method: .ack, to: response.headers.firstValue(.to))
    }

    private static func makeSibling(
        of request: SIPMessage, method: SIPMethod, to: ArraySlice<UInt8>?
    ) -> SIPMessage? {
        let source = request.headers
        guard let requestLine = request.requestLine, let via = source.first(.via), let to,
            let from = source.firstValue(.from), let callID = source.firstValue(.callID),
            let cseq = source.firstValue(.cseq), let number = cseqNumber(cseq)
        else { return nil }
        var headers = SIPHeaders()
        headers.storage.reserveCapacity(512)
        headers.entries.reserveCapacity(12)
        headers.append(.via, bytes: via)
        for index in source.indices(of: .route) { headers.append(.route, bytes: source[index].value) }
        headers.append(.maxForwards, value: "70")
        headers.append(.from, bytes: from)
        headers.append(.to, bytes: to)
        headers.append(.callID, bytes: callID)
        headers.append(.cseq, value: "\(number) \(method.rawValue)")
        return SIPMessage(request: SIPRequestLine(method: method, uriBytes: requestLine.uriBytes), headers: headers)
    }

    /// The sequence number of a CSeq value (`1*DIGIT LWS Method`, RFC 3261 §20.16).
    static func cseqNumber(_ value: ArraySlice<UInt8>) -> UInt32? {
        var end = value.startIndex
        while end < value.endIndex, Octet.isDigit(value[end]) { end += 1 }
        guard let number = value[value.startIndex..<end].parseDecimal(limit: Int(UInt32.max)) else { return nil }
        return UInt32(number)
    }

    /// A fresh tag: 64 random bits in hex (RFC 3261 §19.3 asks for at least 32), from the
    /// kernel CSPRNG drawn in blocks (``PooledRandom``).
    public static func makeTag() -> String {
        String(PooledRandom.next64(), radix: 16)
    }

    /// The reason phrase RFC 3261 §21 (and RFC 3262, 3265, 4028, 6665) gives `status`.
    public static func defaultReason(for status: Int) -> String {
        switch status {
        case 100: "Trying"
        case 180: "Ringing"
        case 181: "Call Is Being Forwarded"
        case 182: "Queued"
        case 183: "Session Progress"
        case 200: "OK"
        case 202: "Accepted"
        case 300: "Multiple Choices"
        case 301: "Moved Permanently"
        case 302: "Moved Temporarily"
        case 380: "Alternative Service"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 410: "Gone"
        case 413: "Request Entity Too Large"
        case 414: "Request-URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Unsupported URI Scheme"
        case 420: "Bad Extension"
        case 421: "Extension Required"
        case 422: "Session Interval Too Small"
        case 423: "Interval Too Brief"
        case 480: "Temporarily Unavailable"
        case 481: "Call/Transaction Does Not Exist"
        case 482: "Loop Detected"
        case 483: "Too Many Hops"
        case 484: "Address Incomplete"
        case 485: "Ambiguous"
        case 486: "Busy Here"
        case 487: "Request Terminated"
        case 488: "Not Acceptable Here"
        case 489: "Bad Event"
        case 491: "Request Pending"
        case 493: "Undecipherable"
        case 500: "Server Internal Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Server Time-out"
        case 505: "Version Not Supported"
        case 513: "Message Too Large"
        case 600: "Busy Everywhere"
        case 603: "Decline"
        case 604: "Does Not Exist Anywhere"
        case 606: "Not Acceptable"
        default: "Unknown"
        }
    }
}
