/// A `tel:` URI (RFC 3966).
///
/// ```
/// telephone-uri        = "tel:" telephone-subscriber
/// telephone-subscriber = global-number / local-number
/// global-number        = global-number-digits *par
/// local-number         = local-number-digits *par context *par
/// par                  = parameter / extension / isdn-subaddress
/// visual-separator     = "-" / "." / "(" / ")"
/// ```
///
/// The number keeps its visual separators as written (`+1-201-555-0123`); ``normalizedNumber``
/// drops them. RFC 3966 §5.1.5 requires `phone-context` on a local number; we accept a local
/// number without one (PBXs and door stations send `tel:1001`), leaving ``phoneContext`` nil,
/// because rejecting it would fail the whole From or P-Asserted-Identity header.
public struct TelURI: Hashable, Sendable, SIPGrammarValue {
    /// The number as written, with `+` for a global number and any visual separators.
    public var number: String
    /// The parameters in order (`ext`, `isub`, `phone-context` and others), wire form.
    public var parameters: SIPParameters

    /// Creates a tel URI from a number and wire-form parameters.
    public init(number: String, parameters: SIPParameters = SIPParameters()) {
        self.number = number
        self.parameters = parameters
    }

    /// Whether the number is global (E.164, starts with `+`).
    public var isGlobal: Bool { number.utf8.first == UInt8(ascii: "+") }

    /// The `phone-context` parameter (a domain name or a global number prefix).
    public var phoneContext: String? { parameters["phone-context"] }

    /// The `ext` parameter.
    public var extensionNumber: String? { parameters["ext"] }

    /// The `isub` parameter (ISDN subaddress).
    public var isdnSubaddress: String? { parameters["isub"] }

    /// The number without visual separators (`+12015550123`), hex digits in upper case.
    public var normalizedNumber: String { TelURI.normalize(number) }

    /// Parses `tel:` and a telephone-subscriber; surrounding white space is ignored.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .uri)
        scanner.skipLWS()
        let start = scanner.index
        guard scanner.consumeCaseInsensitive("tel:") else {
            throw SIPGrammarError(.unsupportedScheme, in: .scheme, at: start)
        }
        let uri = try TelURI.scanSubscriber(&scanner, addrSpec: false, start: start)
        try scanner.expectEnd()
        self = uri
    }

    /// Parses a bare telephone-subscriber (as in the user part of a SIP URI with `user=phone`).
    public init(parsingSubscriber bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try TelURI(subscriberView: view) }
    }

    init(subscriberView bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .telephoneNumber)
        let uri = try TelURI.scanSubscriber(&scanner, addrSpec: false, start: bytes.startIndex)
        guard scanner.isAtEnd else { throw scanner.unexpected() }
        self = uri
    }

    /// Appends the wire form.
    public func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: "tel:".utf8)
        buffer.append(contentsOf: number.utf8)
        parameters.write(into: &buffer)
    }

    /// RFC 3966 §4: both global or both local, equal numbers ignoring visual separators, and the
    /// same parameters (in any order, values compared case-insensitively, a phone-context number
    /// without its separators).
    public func isEquivalent(to other: TelURI) -> Bool {
        guard isGlobal == other.isGlobal, normalizedNumber == other.normalizedNumber,
              parameters.count == other.parameters.count else { return false }
        for parameter in parameters {
            guard let namesake = other.parameters.parameter(named: parameter.name) else { return false }
            switch (parameter.value, namesake.value) {
            case (nil, nil): continue
            case (let lhs?, let rhs?):
                if ASCII.equalsIgnoringCase(parameter.name, "phone-context"), lhs.utf8.first == UInt8(ascii: "+") {
                    guard TelURI.normalize(lhs) == TelURI.normalize(rhs) else { return false }
                } else {
                    guard SIPEscaping.componentsEqual(lhs, rhs, caseInsensitive: true) else { return false }
                }
            default: return false
            }
        }
        return true
    }

    static func normalize(_ number: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(number.utf8.count)
        for byte in number.utf8 where !visualSeparators.contains(byte) {
            output.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f") ? byte - 0x20 : byte)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let visualSeparators = ByteClass("-.()")
    private static let globalDigits = ByteClass("0123456789-.()")
    private static let localDigits = ByteClass("*#-.()", hexadecimal: true)

    /// The telephone-subscriber at the cursor (after `tel:`). In `addrSpec` mode parameters are
    /// left for the enclosing header.
    static func scanSubscriber(_ scanner: inout ByteScanner, addrSpec: Bool, start: Int) throws(SIPGrammarError) -> TelURI {
        scanner.element = .telephoneNumber
        let numberStart = scanner.index
        let isGlobal = scanner.consume(UInt8(ascii: "+"))
        let digits = scanner.scan(isGlobal ? globalDigits : localDigits)
        let hasDigit = scanner.bytes[digits].contains { !visualSeparators.contains($0) }
        guard hasDigit else { throw scanner.unexpected() }
        let number = scanner.string(numberStart..<scanner.index)
        var parameters = SIPParameters()
        if !addrSpec {
            parameters = try scanParameters(&scanner)
        }
        guard scanner.index - start <= SIPGrammarLimits.maxURILength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxURILength), in: .uri, at: start)
        }
        scanner.element = .uri
        return TelURI(number: number, parameters: parameters)
    }

    /// `*( ";" pname [ "=" pvalue ] )` with `pname = 1*( alphanum / "-" )` and `pvalue` of
    /// paramchar; `phone-context` must be a domain name or a global number prefix.
    private static func scanParameters(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> SIPParameters {
        var parameters = SIPParameters()
        while scanner.consume(UInt8(ascii: ";")) {
            guard parameters.count < SIPGrammarLimits.maxParameters else {
                throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxParameters), in: .uriParameter, at: scanner.index)
            }
            let name = scanner.scan(SIPChars.telParamName)
            guard !name.isEmpty else { throw SIPGrammarError(.empty, in: .uriParameter, at: scanner.index) }
            var value: String?
            if scanner.consume(UInt8(ascii: "=")) {
                let range = try scanner.scanEscaped(SIPChars.paramChar)
                guard !range.isEmpty else { throw SIPGrammarError(.empty, in: .uriParameter, at: scanner.index) }
                if ASCII.equalsIgnoringCase(scanner.bytes[name], "phone-context") {
                    try validateContext(scanner.bytes[range])
                }
                value = scanner.string(range)
            } else if ASCII.equalsIgnoringCase(scanner.bytes[name], "phone-context") {
                throw SIPGrammarError(.invalidParameterValue, in: .uriParameter, at: scanner.index)
            }
            parameters.append(SIPParameter(name: scanner.string(name), value: value))
        }
        return parameters
    }

    /// `descriptor = domainname / global-number-digits` (RFC 3966 §3).
    private static func validateContext(_ bytes: ByteView) throws(SIPGrammarError) {
        if bytes.first == UInt8(ascii: "+") {
            let digits = bytes.dropFirst()
            let valid = digits.allSatisfy(globalDigits.contains) && digits.contains { !visualSeparators.contains($0) }
            guard valid else { throw SIPGrammarError(.invalidParameterValue, in: .uriParameter, at: bytes.startIndex) }
        } else if !SIPHost.isHostname(bytes) {
            throw SIPGrammarError(.invalidParameterValue, in: .uriParameter, at: bytes.startIndex)
        }
    }
}
