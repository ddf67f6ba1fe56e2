extension SIPURI {
    /// Parses a whole `sip:`/`sips:` URI; surrounding white space is ignored.
    public init(parsing bytes: ArraySlice<UInt8>) throws(SIPGrammarError) {
        self = try ByteView.with(bytes) { (view) throws(SIPGrammarError) in try Self(view: view) }
    }

    init(view bytes: ByteView) throws(SIPGrammarError) {
        var scanner = ByteScanner(bytes, element: .uri)
        scanner.skipLWS()
        guard let uri = try SIPURI.scanWithScheme(&scanner, addrSpec: false) else {
            throw SIPGrammarError(.unsupportedScheme, in: .scheme, at: bytes.startIndex)
        }
        try scanner.expectEnd()
        self = uri
    }

    /// Scans `sip:`/`sips:` and the rest; returns nil (consuming nothing) for another scheme.
    static func scanWithScheme(_ scanner: inout ByteScanner, addrSpec: Bool) throws(SIPGrammarError) -> SIPURI? {
        let start = scanner.index
        // "sip:" or "sips:", any case, compared byte by byte: this runs for every address.
        guard let s = scanner.peek, let i = scanner.peek(at: 1), let p = scanner.peek(at: 2),
              s | 0x20 == UInt8(ascii: "s"), i | 0x20 == UInt8(ascii: "i"), p | 0x20 == UInt8(ascii: "p") else { return nil }
        let secure: Bool
        if scanner.peek(at: 3) == UInt8(ascii: ":") {
            secure = false
            scanner.index += 4
        } else if let fourth = scanner.peek(at: 3), fourth | 0x20 == UInt8(ascii: "s"), scanner.peek(at: 4) == UInt8(ascii: ":") {
            secure = true
            scanner.index += 5
        } else {
            return nil
        }
        let uri = try scanAfterScheme(&scanner, secure: secure, addrSpec: addrSpec)
        guard scanner.index - start <= SIPGrammarLimits.maxURILength else {
            throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxURILength), in: .uri, at: start)
        }
        return uri
    }

    /// Everything after the scheme. In `addrSpec` mode (a URI outside angle brackets, RFC 3261
    /// §20.10) the URI ends before any `;` or `?`: those begin header parameters.
    static func scanAfterScheme(_ scanner: inout ByteScanner, secure: Bool, addrSpec: Bool) throws(SIPGrammarError) -> SIPURI {
        var user: String?
        var password: String?
        if hasUserinfo(scanner, addrSpec: addrSpec) {
            scanner.element = .user
            let userRange = try scanner.scanEscaped(addrSpec ? SIPChars.userInAddrSpec : SIPChars.user)
            guard !userRange.isEmpty else { throw SIPGrammarError(.empty, in: .user, at: scanner.index) }
            user = scanner.string(userRange)
            if scanner.consume(UInt8(ascii: ":")) {
                scanner.element = .password
                password = scanner.string(try scanner.scanEscaped(SIPChars.password))
            }
            try scanner.expect(UInt8(ascii: "@"))
        }
        scanner.element = .host
        let host = try SIPHost.scan(&scanner)
        var port: UInt16?
        if scanner.consume(UInt8(ascii: ":")) {
            scanner.element = .port
            port = UInt16(try scanner.number(maximum: UInt64(UInt16.max)))
        }
        scanner.element = .uri
        if addrSpec {
            return SIPURI(isSecure: secure, user: user, password: password, host: host, port: port)
        }
        let parameters = try SIPParameters.scanURIParameters(&scanner)
        let headers = try SIPParameters.scanURIHeaders(&scanner)
        return SIPURI(isSecure: secure, user: user, password: password, host: host, port: port,
                      parameters: parameters, headers: headers)
    }


    /// Whether an `@` ends a run of userinfo characters at the cursor (user and password cannot
    /// hold a literal `@`, and neither can anything after the host).
    private static func hasUserinfo(_ scanner: ByteScanner, addrSpec: Bool) -> Bool {
        let characters = addrSpec ? SIPChars.userinfoInAddrSpec : SIPChars.userinfo
        var position = scanner.index
        let bytes = scanner.bytes
        while position < bytes.endIndex {
            let byte = bytes[position]
            if byte == UInt8(ascii: "@") { return true }
            guard characters.contains(byte) else { return false }
            position += 1
        }
        return false
    }
}
