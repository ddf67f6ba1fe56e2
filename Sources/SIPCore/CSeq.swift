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
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
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
    static func internedMethod(_ bytes: ByteView) -> String {
        switch bytes.count {
        case 3:
            if ASCII.equals(bytes, "ACK") { return "ACK" }
            if ASCII.equals(bytes, "BYE") { return "BYE" }
        case 6:
            if ASCII.equals(bytes, "INVITE") { return "INVITE" }
            if ASCII.equals(bytes, "CANCEL") { return "CANCEL" }
            if ASCII.equals(bytes, "UPDATE") { return "UPDATE" }
            if ASCII.equals(bytes, "NOTIFY") { return "NOTIFY" }
        case 8:
            if ASCII.equals(bytes, "REGISTER") { return "REGISTER" }
        case 7:
            if ASCII.equals(bytes, "OPTIONS") { return "OPTIONS" }
            if ASCII.equals(bytes, "MESSAGE") { return "MESSAGE" }
            if ASCII.equals(bytes, "PUBLISH") { return "PUBLISH" }
        case 5:
            if ASCII.equals(bytes, "PRACK") { return "PRACK" }
            if ASCII.equals(bytes, "REFER") { return "REFER" }
        default:
            break
        }
        return bytes.string
    }

    /// Appends `number method`.
    public func write(into buffer: inout [UInt8]) {
        ASCII.writeDecimal(sequenceNumber, into: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(contentsOf: method.utf8)
    }
}
