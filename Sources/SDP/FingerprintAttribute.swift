/// `a=fingerprint:<hash-func> <fingerprint>` (RFC 8122 §5): the certificate hash for DTLS-SRTP.
public struct FingerprintAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The hash function token, e.g. `sha-256`.
    public var hashFunction: String
    /// Upper-case hex bytes separated by colons, as written.
    public var fingerprint: String

    /// Creates a fingerprint attribute.
    public init(hashFunction: String, fingerprint: String) {
        self.hashFunction = hashFunction
        self.fingerprint = fingerprint
    }

    /// Parses the value after `a=fingerprint:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        let fields = splitFields(value)
        guard fields.count == 2 else {
            throw AttributeSyntaxError("fingerprint needs '<hash-func> <fingerprint>'")
        }
        let hexOK = fields[1].splitBytes(UInt8(ascii: ":")).allSatisfy {
            $0.utf8.count == 2 && $0.utf8.allSatisfy { $0.isHexDigit }
        }
        guard hexOK else { throw AttributeSyntaxError("fingerprint '\(fields[1])' is not colon-separated hex") }
        self.init(hashFunction: String(fields[0]), fingerprint: String(fields[1]))
    }

    /// The value after `a=fingerprint:`.
    public var description: String { "\(hashFunction) \(fingerprint)" }
}
