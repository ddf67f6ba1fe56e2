/// One Contact header value (RFC 3261 §20.10, §10.2.2; RFC 5626 `+sip.instance`, `reg-id`).
///
/// ```
/// Contact        = ("Contact" / "m" ) HCOLON ( STAR / (contact-param *(COMMA contact-param)))
/// contact-param  = (name-addr / addr-spec) *(SEMI contact-params)
/// contact-params = c-p-q / c-p-expires / contact-extension
/// ```
public enum ContactValue: Hashable, Sendable, SIPGrammarValue {
    /// `*`: all bindings (only in a REGISTER with `Expires: 0`, §10.2.2).
    case wildcard
    /// An address with its contact parameters.
    case address(NameAddress)

    /// The address, unless this is the wildcard.
    public var nameAddress: NameAddress? {
        if case .address(let address) = self { return address }
        return nil
    }

    /// The `q` parameter (§20.10), validated at parse time.
    public var q: QValue? {
        nameAddress?.parameters["q"].flatMap { try? QValue(parsing: ArraySlice($0.utf8)) }
    }

    /// The `expires` parameter in seconds; values beyond 32 bits saturate; nil when absent or not
    /// a number (§10.3 step 7: a malformed value is then taken from the Expires header).
    public var expires: UInt32? {
        guard let text = nameAddress?.parameters["expires"], !text.isEmpty,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return UInt32(text) ?? UInt32.max
    }

    /// The `+sip.instance` parameter without its quotes (RFC 5626 §4.1), e.g. `<urn:uuid:...>`.
    public var instance: String? {
        nameAddress?.parameters.parameter(named: "+sip.instance")?.unquotedValue
    }

    /// The `reg-id` parameter (RFC 5626 §4.2), 1...2^31-1.
    public var regID: UInt32? {
        nameAddress?.parameters["reg-id"].flatMap { UInt32($0) }.flatMap { $0 > 0 && $0 < 1 << 31 ? $0 : nil }
    }

    /// Parses `*` or one contact-param.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: .contact, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: .contact)
        scanner.skipLWS()
        if scanner.consume(UInt8(ascii: "*")) {
            try scanner.expectEnd()
            self = .wildcard
            return
        }
        let address = try NameAddress.scan(&scanner)
        scanner.element = .contact
        try scanner.expectEnd()
        if let q = address.parameters.parameter(named: "q") {
            guard let value = q.value, (try? QValue(parsing: ArraySlice(value.utf8))) != nil else {
                throw SIPGrammarError(.invalidParameterValue, in: .contact, at: bytes.startIndex)
            }
        }
        self = .address(address)
    }

    /// Appends `*` or the address.
    public func write(into buffer: inout [UInt8]) {
        switch self {
        case .wildcard: buffer.append(UInt8(ascii: "*"))
        case .address(let address): address.write(into: &buffer)
        }
    }
}

/// A `qvalue` (RFC 3261 §25.1): `( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, held
/// exactly as thousandths.
public struct QValue: Hashable, Comparable, Sendable, SIPGrammarValue {
    /// The value times 1000, 0...1000.
    public var thousandths: UInt16

    /// Creates a q-value from thousandths, clamped to 1000.
    public init(thousandths: UInt16) { self.thousandths = min(thousandths, 1000) }

    /// The value as a Double in 0...1.
    public var value: Double { Double(thousandths) / 1000 }

    public static func < (lhs: QValue, rhs: QValue) -> Bool { lhs.thousandths < rhs.thousandths }

    /// Parses a qvalue.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .headerParameter)
        scanner.skipLWS()
        let start = scanner.index
        guard let whole = scanner.peek, whole == UInt8(ascii: "0") || whole == UInt8(ascii: "1") else {
            throw scanner.unexpected()
        }
        scanner.index += 1
        var result = UInt16(whole - UInt8(ascii: "0")) * 1000
        if scanner.consume(UInt8(ascii: ".")) {
            var scale: UInt16 = 100
            while let digit = scanner.peek, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
                guard scale > 0 else { throw scanner.unexpected() }
                result += UInt16(digit - UInt8(ascii: "0")) * scale
                scale /= 10
                scanner.index += 1
            }
        }
        guard result <= 1000 else { throw SIPGrammarError(.numberOutOfRange, in: .headerParameter, at: start) }
        try scanner.expectEnd()
        thousandths = result
    }

    /// Appends the shortest exact form: `1`, `0.5`, `0.125`.
    public func write(into buffer: inout [UInt8]) {
        if thousandths >= 1000 {
            buffer.append(UInt8(ascii: "1"))
            return
        }
        buffer.append(contentsOf: "0".utf8)
        var fraction = thousandths
        guard fraction > 0 else { return }
        buffer.append(UInt8(ascii: "."))
        var scale: UInt16 = 100
        while fraction > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(fraction / scale))
            fraction %= scale
            scale /= 10
        }
    }
}
