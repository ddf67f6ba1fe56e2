/// The scheme and comma-separated auth-params shared by challenges and credentials
/// (RFC 3261 §25.1 `challenge`, `credentials`; RFC 7616 §3.3, §3.4; RFC 8760).
///
/// ```
/// challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
/// auth-param  = auth-param-name EQUAL ( token / quoted-string )
/// ```
/// Values are kept in wire form (quoted strings with their quotes) in ``parameters``; the typed
/// accessors of ``DigestChallenge`` and ``DigestCredentials`` unquote them.
struct AuthParameterList {
    var scheme: String
    var parameters: SIPParameters

    /// Parses `scheme LWS auth-param *(COMMA auth-param)`; empty list elements are skipped
    /// (RFC 7230 §7 `#rule`).
    static func parse(_ bytes: ByteView, element: SIPGrammarError.Element) throws(SIPGrammarError) -> AuthParameterList {
        guard bytes.count <= SIPGrammarLimits.maxValueLength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxValueLength), in: element, at: bytes.startIndex)
        }
        var scanner = ByteScanner(bytes, element: element)
        scanner.skipLWS()
        let scheme = try scanner.token()
        let beforeSpace = scanner.index
        scanner.skipLWS()
        var parameters = SIPParameters()
        if scanner.isAtEnd {
            return AuthParameterList(scheme: scanner.string(scheme), parameters: parameters)
        }
        guard scanner.index > beforeSpace else { throw scanner.unexpected() }
        parameters = try scanParameters(&scanner)
        return AuthParameterList(scheme: scanner.string(scheme), parameters: parameters)
    }

    /// `[auth-param *(COMMA auth-param)]` to the end of the value, empty elements skipped.
    static func scanParameters(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> SIPParameters {
        var parameters = SIPParameters()
        scanner.element = .authParameter
        repeat {
            scanner.skipLWS()
            if scanner.peek == UInt8(ascii: ",") || scanner.isAtEnd { continue }
            guard parameters.count < SIPGrammarLimits.maxAuthParameters else {
                throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxAuthParameters), in: .authParameter, at: scanner.index)
            }
            let name = try scanner.token()
            guard scanner.consumeSeparator(UInt8(ascii: "=")) else { throw scanner.unexpected() }
            let value: String
            if scanner.peek == UInt8(ascii: "\"") {
                let start = scanner.index
                let quoted = try scanner.quotedString(limit: SIPGrammarLimits.maxValueLength)
                value = try scanner.quotedWireString(from: start, hasFolds: quoted.hasFolds)
            } else {
                value = scanner.string(try scanner.token())
            }
            parameters.append(SIPParameter(name: scanner.string(name), value: value))
            scanner.skipLWS()
        } while scanner.consume(UInt8(ascii: ","))
        try scanner.expectEnd()
        return parameters
    }

    /// Decodes an RFC 8187 `ext-value` (`UTF-8'[language]'pct-encoded`), as in RFC 7616 §3.4.4
    /// `username*`; nil for another charset or a malformed value.
    static func decodeExtendedValue(_ text: String) -> String? {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, ASCII.equalsIgnoringCase(String(parts[0]), "UTF-8") else { return nil }
        return SIPEscaping.unescape(String(parts[2]))
    }

    /// Writes `scheme name=value, name=value`.
    static func write(scheme: String, parameters: SIPParameters, into buffer: inout [UInt8]) {
        buffer.append(contentsOf: scheme.utf8)
        for (offset, parameter) in parameters.enumerated() {
            buffer.append(contentsOf: offset == 0 ? " ".utf8 : ", ".utf8)
            buffer.append(contentsOf: parameter.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: (parameter.value ?? "\"\"").utf8)
        }
    }

    /// Wire form of a quoted-string value.
    static func quoted(_ text: String) -> String {
        var buffer: [UInt8] = []
        ASCII.writeQuoted(text, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// A digest algorithm name (RFC 7616 §3.3, RFC 8760 §2.1); compares case-insensitively.
public struct DigestAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The name as written.
    public var name: String

    /// Creates an algorithm from its name.
    public init(_ name: String) { self.name = name }

    /// `MD5`, the default when the parameter is absent (RFC 3261 §22.4).
    public static let md5 = DigestAlgorithm("MD5")
    /// `MD5-sess`.
    public static let md5Session = DigestAlgorithm("MD5-sess")
    /// `SHA-256` (RFC 8760).
    public static let sha256 = DigestAlgorithm("SHA-256")
    /// `SHA-256-sess` (RFC 8760).
    public static let sha256Session = DigestAlgorithm("SHA-256-sess")
    /// `SHA-512-256` (RFC 8760).
    public static let sha512_256 = DigestAlgorithm("SHA-512-256")
    /// `SHA-512-256-sess` (RFC 8760).
    public static let sha512_256Session = DigestAlgorithm("SHA-512-256-sess")

    /// Whether this is a `-sess` variant (RFC 7616 §3.4.2).
    public var isSession: Bool {
        name.utf8.count > 5 && ASCII.equalsIgnoringCase(String(name.suffix(5)), "-sess")
    }

    public static func == (lhs: DigestAlgorithm, rhs: DigestAlgorithm) -> Bool {
        ASCII.equalsIgnoringCase(lhs.name, rhs.name)
    }

    public func hash(into hasher: inout Hasher) {
        for byte in name.utf8 { hasher.combine(ASCII.lower(byte)) }
    }

    public var description: String { name }
}
