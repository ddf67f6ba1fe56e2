/// The CSeq header value (RFC 3261 §20.16): `CSeq = "CSeq" HCOLON 1*DIGIT LWS Method`.
///
/// The number must fit 32 bits (§8.1.1.5); the method is kept as its case-sensitive token.
public struct CSeq: Hashable, Sendable, SIPGrammarValue {
    /// The sequence number.
    public var sequenceNumber: UInt32
    /// The method token exactly as written (methods are case-sensitive, §7.1).
    public var method: String

    /// Creates a CSeq value.
    public init(sequenceNumber: UInt32, method: String) {
        self.sequenceNumber = sequenceNumber
        self.method = method
    }

    /// Parses `1*DIGIT LWS Method`.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .cseq)
        scanner.skipLWS()
        scanner.element = .number
        let number = try scanner.number(maximum: UInt64(UInt32.max))
        scanner.element = .cseq
        let beforeSpace = scanner.index
        scanner.skipLWS()
        guard scanner.index > beforeSpace else { throw scanner.unexpected() }
        let method = try scanner.token()
        try scanner.expectEnd()
        sequenceNumber = UInt32(number)
        self.method = CSeq.internedMethod(scanner.bytes[method])
    }

    /// The RFC 3261 and common extension methods as literals, so parsing allocates nothing.
    static func internedMethod(_ bytes: ArraySlice<UInt8>) -> String {
        for literal in ["INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "PRACK", "UPDATE",
                        "INFO", "REFER", "NOTIFY", "SUBSCRIBE", "MESSAGE", "PUBLISH"]
        where bytes.elementsEqual(literal.utf8) {
            return literal
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `number method`.
    public func write(into buffer: inout [UInt8]) {
        ASCII.writeDecimal(sequenceNumber, into: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: method.utf8)
    }
}
