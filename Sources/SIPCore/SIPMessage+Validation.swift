// The checks a receiving element makes before acting on a message, beyond framing: the values
// of the header fields that transaction and dialog matching use must follow their grammar
// (RFC 3261 §8.2 "a UAS ... MUST respond 400 to a request it cannot parse"; §16.3 for proxies).

extension SIPMessage {
    /// Checks that To, From, Call-ID, CSeq and Max-Forwards appear once, then the Request-URI, every Via value, From, To, CSeq (and that its method is the
    /// request's, RFC 3261 §8.1.1.5), Max-Forwards, every Contact value and, when there is a
    /// body, Content-Type. Throws a `SIPParseError` whose `makeResponse()` builds the 400 (its
    /// offset is the defect's position in the message bytes).
    ///
    /// An unknown URI scheme is not a defect here (it is answered 416 by the element, RFC 3261
    /// §8.2.2.1); neither is a method the element does not know (501, §8.2.1).
    public func validate() throws(SIPParseError) {
        for name in Self.singleValueHeaders {
            let found = headers.indices(of: name)
            if found.count > 1 {
                throw SIPParseError(.repeatedSingleValueHeader(name), offset: headers[found[1]].rawName.startIndex,
                                    partialMessage: self)
            }
        }
        if isRequest {
            do {
                _ = try requestURI
            } catch {
                throw SIPParseError(.invalidRequestURI(error), offset: error.offset, partialMessage: self)
            }
        }
        try check(.via) { m throws(SIPGrammarError) in _ = try m.via }
        try check(.from) { m throws(SIPGrammarError) in _ = try m.from }
        try check(.to) { m throws(SIPGrammarError) in _ = try m.to }
        try check(.cseq) { m throws(SIPGrammarError) in _ = try m.cseq }
        try check(.contact) { m throws(SIPGrammarError) in _ = try m.contact }
        if !body.isEmpty { try check(.contentType) { m throws(SIPGrammarError) in _ = try m.contentType } }
        if let value = headers.firstValue(.maxForwards), value.parseDecimal() == nil {
            let offset = value.startIndex
            throw SIPParseError(
                .invalidHeaderValue(.maxForwards, SIPGrammarError(.numberOutOfRange, in: .number, at: offset)),
                offset: offset, partialMessage: self)
        }
        if let method, let cseq = try? self.cseq, cseq.method != method.rawValue {
            throw SIPParseError(.cseqMethodMismatch, offset: headers.firstValue(.cseq)?.startIndex ?? 0, partialMessage: self)
        }
    }

    /// The fields RFC 3261 §7.3.1 allows once in a message that an element relies on.
    static let singleValueHeaders: [HeaderName] = [.to, .from, .callID, .cseq, .maxForwards]

    private func check(
        _ name: HeaderName, _ body: (SIPMessage) throws(SIPGrammarError) -> Void
    ) throws(SIPParseError) {
        do {
            try body(self)
        } catch {
            throw SIPParseError(.invalidHeaderValue(name, error), offset: error.offset, partialMessage: self)
        }
    }
}
