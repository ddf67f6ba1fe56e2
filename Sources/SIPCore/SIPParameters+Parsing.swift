extension SIPParameters {
    /// URI parameters at the cursor: `*( ";" pname [ "=" pvalue ] )` with `paramchar` and escapes
    /// (RFC 3261 §19.1.1, §25.1). No white space is allowed inside a URI.
    static func scanURIParameters(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> SIPParameters {
        var result = SIPParameters()
        while scanner.peek == UInt8(ascii: ";") {
            guard result.count < SIPGrammarLimits.maxParameters else {
                throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxParameters), in: .uriParameter, at: scanner.index)
            }
            scanner.index += 1
            let name = try scanner.scanEscaped(SIPChars.paramChar)
            guard !name.isEmpty else { throw SIPGrammarError(.empty, in: .uriParameter, at: scanner.index) }
            var value: String?
            if scanner.consume(UInt8(ascii: "=")) {
                let range = try scanner.scanEscaped(SIPChars.paramChar)
                guard !range.isEmpty else { throw SIPGrammarError(.empty, in: .uriParameter, at: scanner.index) }
                value = scanner.string(range)
            }
            result.storage.append(SIPParameter(name: scanner.string(name), value: value))
        }
        return result
    }

    /// URI headers at the cursor: `[ "?" hname "=" hvalue *( "&" hname "=" hvalue ) ]`.
    static func scanURIHeaders(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> SIPParameters {
        var result = SIPParameters()
        guard scanner.consume(UInt8(ascii: "?")) else { return result }
        repeat {
            guard result.count < SIPGrammarLimits.maxURIHeaders else {
                throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxURIHeaders), in: .uriHeader, at: scanner.index)
            }
            let name = try scanner.scanEscaped(SIPChars.headerChar)
            guard !name.isEmpty else { throw SIPGrammarError(.empty, in: .uriHeader, at: scanner.index) }
            guard scanner.consume(UInt8(ascii: "=")) else {
                throw SIPGrammarError(scanner.peek.map { .unexpectedByte($0) } ?? .unexpectedEnd, in: .uriHeader, at: scanner.index)
            }
            let value = try scanner.scanEscaped(SIPChars.headerChar)
            result.storage.append(SIPParameter(name: scanner.string(name), value: scanner.string(value)))
        } while scanner.consume(UInt8(ascii: "&"))
        return result
    }

    /// Header parameters at the cursor: `*( SEMI generic-param )`,
    /// `generic-param = token [ EQUAL gen-value ]`, `gen-value = token / host / quoted-string`
    /// (RFC 3261 §25.1). Stops before anything that is not `SEMI`.
    static func scanHeaderParameters(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> SIPParameters {
        var result = SIPParameters()
        while scanner.consumeSeparator(UInt8(ascii: ";")) {
            guard result.count < SIPGrammarLimits.maxParameters else {
                throw SIPGrammarError(.limitExceeded(SIPGrammarLimits.maxParameters), in: .headerParameter, at: scanner.index)
            }
            let name = scanner.scan(SIPChars.token)
            guard !name.isEmpty else {
                throw SIPGrammarError(scanner.peek.map { .unexpectedByte($0) } ?? .unexpectedEnd, in: .headerParameter, at: scanner.index)
            }
            var value: String?
            if scanner.consumeSeparator(UInt8(ascii: "=")) {
                value = try scanGenericValue(&scanner)
            }
            result.storage.append(SIPParameter(name: scanner.string(name), value: value))
        }
        return result
    }

    /// `gen-value = token / host / quoted-string`; quoted strings keep their quotes.
    static func scanGenericValue(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> String {
        if scanner.peek == UInt8(ascii: "\"") {
            let start = scanner.index
            _ = try scanner.quotedString(limit: SIPGrammarLimits.maxValueLength)
            guard let text = String(validating: scanner.bytes[start..<scanner.index], as: UTF8.self) else {
                throw SIPGrammarError(.invalidUTF8, in: .quotedString, at: start)
            }
            return text
        }
        let range = scanner.scan(SIPChars.genValue)
        guard !range.isEmpty else {
            throw SIPGrammarError(scanner.peek.map { .unexpectedByte($0) } ?? .unexpectedEnd, in: .headerParameter, at: scanner.index)
        }
        return scanner.string(range)
    }
}
