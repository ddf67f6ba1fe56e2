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
            result.storage.append(SIPParameter(name: internedName(scanner.bytes[name]), value: value))
        }
        return result
    }

    /// The common parameter names as literals when spelled in lower case, so that parsing them
    /// creates no String; any other name is copied.
    static func internedName(_ bytes: ByteView) -> String {
        switch bytes.count {
        case 1:
            if ASCII.equals(bytes, "q") { return "q" }
        case 2:
            if ASCII.equals(bytes, "lr") { return "lr" }
            if ASCII.equals(bytes, "ob") { return "ob" }
        case 3:
            if ASCII.equals(bytes, "tag") { return "tag" }
            if ASCII.equals(bytes, "ttl") { return "ttl" }
        case 4:
            if ASCII.equals(bytes, "user") { return "user" }
        case 5:
            if ASCII.equals(bytes, "rport") { return "rport" }
            if ASCII.equals(bytes, "maddr") { return "maddr" }
        case 6:
            if ASCII.equals(bytes, "branch") { return "branch" }
            if ASCII.equals(bytes, "method") { return "method" }
            if ASCII.equals(bytes, "reg-id") { return "reg-id" }
        case 7:
            if ASCII.equals(bytes, "expires") { return "expires" }
        case 8:
            if ASCII.equals(bytes, "received") { return "received" }
        case 9:
            if ASCII.equals(bytes, "transport") { return "transport" }
            if ASCII.equals(bytes, "refresher") { return "refresher" }
        default:
            break
        }
        return bytes.string
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
            if result.storage.isEmpty { result.storage.reserveCapacity(4) }
            result.storage.append(SIPParameter(name: internedName(scanner.bytes[name]), value: value))
        }
        return result
    }

    /// `gen-value = token / host / quoted-string`; quoted strings keep their quotes.
    static func scanGenericValue(_ scanner: inout ByteScanner) throws(SIPGrammarError) -> String {
        if scanner.peek == UInt8(ascii: "\"") {
            let start = scanner.index
            let quoted = try scanner.quotedString(limit: SIPGrammarLimits.maxValueLength)
            return try scanner.quotedWireString(from: start, hasFolds: quoted.hasFolds)
        }
        let range = scanner.scan(SIPChars.genValue)
        guard !range.isEmpty else {
            throw SIPGrammarError(scanner.peek.map { .unexpectedByte($0) } ?? .unexpectedEnd, in: .headerParameter, at: scanner.index)
        }
        return scanner.string(range)
    }
}
