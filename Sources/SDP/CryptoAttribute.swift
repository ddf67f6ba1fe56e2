/// `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]` (RFC 4568 §9.1).
///
/// Key parameters are `inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>]`, several
/// separated by `;` (RFC 4568 §9.2, §6.1).
public struct CryptoAttribute: Sendable, Hashable, CustomStringConvertible {
    /// The tag, 1 to 9 digits, that the answer echoes (RFC 4568 §6.1).
    public var tag: UInt32
    /// The suite, e.g. `AES_CM_128_HMAC_SHA1_80` (RFC 4568 §6.2).
    public var suite: String
    /// At least one key parameter.
    public var keys: [KeyParameter]
    /// Session parameters (`UNENCRYPTED_SRTP`, `KDR=…`, `WSH=…` …), verbatim.
    public var sessionParameters: [String]

    /// One `inline:` key parameter (RFC 4568 §6.1, §9.2).
    public struct KeyParameter: Sendable, Hashable, CustomStringConvertible {
        /// The method, always `inline` in practice.
        public var method: String
        /// The base64 concatenated master key and salt.
        public var keySalt: String
        /// The lifetime as written (`2^31` or a decimal), when present.
        public var lifetime: String?
        /// The MKI value and its byte length, when present.
        public var mki: (value: String, length: String)?

        /// Creates an `inline:` key parameter.
        public init(keySalt: String, lifetime: String? = nil, mki: (value: String, length: String)? = nil) {
            self.method = "inline"
            self.keySalt = keySalt
            self.lifetime = lifetime
            self.mki = mki
        }

        /// Parses one key parameter (`inline:…`).
        public init(parsing text: Substring) throws(AttributeSyntaxError) {
            guard let colon = text.firstByte(UInt8(ascii: ":")) else {
                throw AttributeSyntaxError("crypto key parameter '\(text)' has no method")
            }
            method = String(text[..<colon])
            let parts = text[text.index(after: colon)...].splitBytes(UInt8(ascii: "|"))
            guard let first = parts.first, !first.isEmpty else {
                throw AttributeSyntaxError("crypto key parameter has an empty key")
            }
            keySalt = String(first)
            lifetime = nil
            mki = nil
            for part in parts.dropFirst() {
                if let colon = part.firstByte(UInt8(ascii: ":")) {
                    guard mki == nil, parseDecimal(part[..<colon]) != nil,
                          parseDecimal(part[part.index(after: colon)...], maxDigits: 3) != nil else {
                        throw AttributeSyntaxError("crypto MKI '\(part)' is not <value>:<length>")
                    }
                    mki = (String(part[..<colon]), String(part[part.index(after: colon)...]))
                } else {
                    guard lifetime == nil, !part.isEmpty else {
                        throw AttributeSyntaxError("crypto key parameter has a bad lifetime '\(part)'")
                    }
                    lifetime = String(part)
                }
            }
        }

        public var description: String {
            var text = "\(method):\(keySalt)"
            if let lifetime { text += "|\(lifetime)" }
            if let mki { text += "|\(mki.value):\(mki.length)" }
            return text
        }

        /// Key parameters are equal when they write the same text.
        public static func == (lhs: KeyParameter, rhs: KeyParameter) -> Bool {
            lhs.description == rhs.description
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(description) }
    }

    /// Creates a crypto attribute.
    public init(tag: UInt32, suite: String, keys: [KeyParameter], sessionParameters: [String] = []) {
        self.tag = tag
        self.suite = suite
        self.keys = keys
        self.sessionParameters = sessionParameters
    }

    /// Parses the value after `a=crypto:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        let fields = splitFields(value)
        guard fields.count >= 3 else {
            throw AttributeSyntaxError("crypto needs '<tag> <suite> <key-params>'")
        }
        guard let tag = parseDecimal(fields[0], maxDigits: 9) else {
            throw AttributeSyntaxError("crypto tag '\(fields[0])' is not 1 to 9 digits")
        }
        var keys: [KeyParameter] = []
        for item in fields[2].splitBytes(UInt8(ascii: ";"), omittingEmpty: true) {
            keys.append(try KeyParameter(parsing: item))
        }
        guard !keys.isEmpty else { throw AttributeSyntaxError("crypto has no key parameter") }
        self.init(tag: UInt32(tag), suite: String(fields[1]), keys: keys,
                  sessionParameters: fields.dropFirst(3).map(String.init))
    }

    /// The value after `a=crypto:`.
    public var description: String {
        ([String(tag), suite, keys.map(\.description).joined(separator: ";")] + sessionParameters)
            .joined(separator: " ")
    }
}
