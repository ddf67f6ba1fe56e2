/// The RAck value (RFC 3262 §7.2): `response-num LWS CSeq-num LWS Method`, acknowledging the
/// reliable provisional response with that RSeq for the request with that CSeq.
public struct RAck: Hashable, Sendable, SIPGrammarValue {
    /// The RSeq of the provisional response (1...2^31-1, RFC 3262 §7.1).
    public var responseNumber: UInt32
    /// The CSeq number of the request.
    public var cseqNumber: UInt32
    /// The CSeq method, case-sensitive.
    public var method: String

    /// Creates a value.
    public init(responseNumber: UInt32, cseqNumber: UInt32, method: String) {
        self.responseNumber = responseNumber
        self.cseqNumber = cseqNumber
        self.method = method
    }

    /// Parses one value.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .rack)
        scanner.skipLWS()
        let response = try scanner.number(maximum: UInt64(UInt32.max))
        try RAck.requireSpace(&scanner)
        let cseq = try scanner.number(maximum: UInt64(UInt32.max))
        try RAck.requireSpace(&scanner)
        let method = try scanner.token()
        try scanner.expectEnd()
        responseNumber = UInt32(response)
        cseqNumber = UInt32(cseq)
        self.method = CSeq.internedMethod(scanner.bytes[method])
    }

    private static func requireSpace(_ scanner: inout ByteScanner) throws(SIPGrammarError) {
        let before = scanner.index
        scanner.skipLWS()
        guard scanner.index > before else { throw scanner.unexpected() }
    }

    /// Appends `rseq cseq method`.
    public func write(into buffer: inout [UInt8]) {
        ASCII.writeDecimal(responseNumber, into: &buffer)
        buffer.append(UInt8(ascii: " "))
        ASCII.writeDecimal(cseqNumber, into: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: method.utf8)
    }
}
