// Accessors for header values simple enough to read at message level (no URI grammar).

extension SIPMessage {
    /// The Call-ID value's bytes (RFC 3261 §20.8), compared byte for byte (case-sensitive).
    public var callIDBytes: ArraySlice<UInt8>? { headers.firstValue(.callID) }

    /// The Call-ID as text (RFC 3261 §20.8).
    public var callID: String? { callIDBytes.map { String(sipBytes: $0) } }

    /// Max-Forwards (RFC 3261 §20.22: `1*DIGIT`, 0...255 in practice); nil when absent or not a
    /// number.
    public var maxForwards: Int? {
        headers.firstValue(.maxForwards)?.parseDecimal(limit: Int(UInt32.max))
    }

    /// Content-Length as written (RFC 3261 §20.14); nil when absent or not a number. After the
    /// body is changed, serialization writes the body's size instead.
    public var contentLength: Int? {
        headers.firstValue(.contentLength)?.parseDecimal()
    }

    /// Expires in seconds (RFC 3261 §20.19: `delta-seconds`); nil when absent or not a number.
    /// Values above 2^32-1 are clamped to it (RFC 3261 §25.1 `delta-seconds` guidance).
    public var expires: Int? {
        guard let value = headers.firstValue(.expires), !value.isEmpty, value.allSatisfy(Octet.isDigit) else { return nil }
        return value.parseDecimal(limit: Int(UInt32.max)) ?? Int(UInt32.max)
    }

    /// The CSeq sequence number (RFC 3261 §20.16), read without the full CSeq grammar.
    public var cseqNumber: UInt32? { headers.firstValue(.cseq).flatMap(SIPMessage.cseqNumber) }

    /// The From tag (RFC 3261 §19.3), nil when absent.
    public var fromTag: String? {
        headers.firstValue(.from).flatMap { SIPHeaderParameter.value(named: "tag", in: $0) }.map { String(sipBytes: $0) }
    }

    /// The To tag (RFC 3261 §19.3), nil when absent (an out-of-dialog request).
    public var toTag: String? {
        headers.firstValue(.to).flatMap { SIPHeaderParameter.value(named: "tag", in: $0) }.map { String(sipBytes: $0) }
    }

    /// The branch parameter of the top Via (RFC 3261 §8.1.1.7), read without the full Via
    /// grammar: the key of the transaction layer.
    public var topViaBranch: String? {
        headers.first(.via).flatMap { SIPHeaderParameter.value(named: "branch", in: $0) }.map { String(sipBytes: $0) }
    }
}
