// Typed access to the header fields a B2BUA reads, built on the value grammars. Values are
// parsed when asked for (nothing is cached: ask once and keep the result). An absent header is
// nil (or an empty list); a malformed one throws the grammar's error, whose offset points into
// the message bytes. List headers are split on commas first (RFC 3261 §7.3.1).

extension SIPHeaders {
    /// The first value named `name` parsed as `T`; nil when absent.
    public func parsedFirst<T: SIPGrammarValue>(_ name: HeaderName, as type: T.Type = T.self) throws(SIPGrammarError) -> T? {
        guard let value = first(name) else { return nil }
        return try T(parsing: value)
    }

    /// Every value named `name` (list headers split on commas) parsed as `T`, in order.
    public func parsedAll<T: SIPGrammarValue>(_ name: HeaderName, as type: T.Type = T.self) throws(SIPGrammarError) -> [T] {
        var result: [T] = []
        for value in values(name) { result.append(try T(parsing: value)) }
        return result
    }

    /// Adds a field with `value`'s canonical form after the last field.
    public mutating func append(_ name: HeaderName, _ value: some SIPGrammarValue) {
        var bytes: [UInt8] = []
        value.write(into: &bytes)
        append(name, bytes: bytes)
    }

    /// Adds a field with `value`'s canonical form before the first field of that name (a new
    /// top Via or Record-Route, RFC 3261 §16.6).
    public mutating func prepend(_ name: HeaderName, _ value: some SIPGrammarValue) {
        insert(name, value: value.description, at: firstIndex(of: name) ?? count)
    }

    /// Replaces every field named `name` by one field with `value`'s canonical form.
    public mutating func set(_ name: HeaderName, _ value: some SIPGrammarValue) {
        set(name, value: value.description)
    }
}

extension SIPMessage {
    /// The Request-URI (RFC 3261 §7.1); nil for a response.
    public var requestURI: URI? {
        get throws(SIPGrammarError) {
            guard let line = requestLine else { return nil }
            return try URI(parsing: line.uriBytes)
        }
    }

    /// The top Via (RFC 3261 §20.42, §18.2.2): the first value of the first Via field.
    public var topVia: Via? { get throws(SIPGrammarError) { try headers.parsedFirst(.via) } }

    /// Every Via value, top first.
    public var via: [Via] { get throws(SIPGrammarError) { try headers.parsedAll(.via) } }

    /// From (RFC 3261 §20.20).
    public var from: NameAddress? { get throws(SIPGrammarError) { try headers.parsedFirst(.from) } }

    /// To (RFC 3261 §20.39).
    public var to: NameAddress? { get throws(SIPGrammarError) { try headers.parsedFirst(.to) } }

    /// CSeq (RFC 3261 §20.16).
    public var cseq: CSeq? { get throws(SIPGrammarError) { try headers.parsedFirst(.cseq) } }

    /// Every Contact value (RFC 3261 §20.10), `*` included.
    public var contact: [ContactValue] { get throws(SIPGrammarError) { try headers.parsedAll(.contact) } }

    /// The Route set, first hop first (RFC 3261 §20.34).
    public var route: [NameAddress] { get throws(SIPGrammarError) { try headers.parsedAll(.route) } }

    /// The Record-Route values, in message order (RFC 3261 §20.30).
    public var recordRoute: [NameAddress] { get throws(SIPGrammarError) { try headers.parsedAll(.recordRoute) } }

    /// Content-Type (RFC 3261 §20.15).
    public var contentType: MediaType? { get throws(SIPGrammarError) { try headers.parsedFirst(.contentType) } }

    /// Authorization credentials, one per field (RFC 3261 §20.7; a field is not split on
    /// commas, which separate auth-params).
    public var authorization: [DigestCredentials] {
        get throws(SIPGrammarError) { try headers.parsedAll(.authorization) }
    }

    /// Proxy-Authorization credentials, one per field (RFC 3261 §20.28).
    public var proxyAuthorization: [DigestCredentials] {
        get throws(SIPGrammarError) { try headers.parsedAll(.proxyAuthorization) }
    }

    /// WWW-Authenticate challenges, one per field (RFC 3261 §20.44).
    public var wwwAuthenticate: [DigestChallenge] {
        get throws(SIPGrammarError) { try headers.parsedAll(.wwwAuthenticate) }
    }

    /// Proxy-Authenticate challenges, one per field (RFC 3261 §20.27).
    public var proxyAuthenticate: [DigestChallenge] {
        get throws(SIPGrammarError) { try headers.parsedAll(.proxyAuthenticate) }
    }

    /// Supported option tags from every Supported field (RFC 3261 §20.37).
    public var supported: OptionTags { get throws(SIPGrammarError) { try optionTags(.supported) } }

    /// Require option tags from every Require field (RFC 3261 §20.32).
    public var require: OptionTags { get throws(SIPGrammarError) { try optionTags(.require) } }

    /// Proxy-Require option tags (RFC 3261 §20.29).
    public var proxyRequire: OptionTags { get throws(SIPGrammarError) { try optionTags(.proxyRequire) } }

    /// Unsupported option tags (RFC 3261 §20.40).
    public var unsupported: OptionTags { get throws(SIPGrammarError) { try optionTags(.unsupported) } }

    private func optionTags(_ name: HeaderName) throws(SIPGrammarError) -> OptionTags {
        var tags: [String] = []
        for value in headers.values(name) { tags.append(contentsOf: try OptionTags(parsing: value).tags) }
        return OptionTags(tags)
    }

    /// Session-Expires (RFC 4028 §4).
    public var sessionExpires: SessionExpires? {
        get throws(SIPGrammarError) { try headers.parsedFirst(.sessionExpires) }
    }

    /// Min-SE in seconds (RFC 4028 §5: `delta-seconds *(SEMI generic-param)`); nil when absent
    /// or malformed.
    public var minSE: UInt32? {
        guard let value = headers.firstValue(.minSE) else { return nil }
        var end = value.startIndex
        while end < value.endIndex, Octet.isDigit(value[end]) { end += 1 }
        return value[value.startIndex..<end].parseDecimal(limit: Int(UInt32.max)).map { UInt32($0) }
    }

    /// Every Reason value (RFC 3326).
    public var reason: [Reason] { get throws(SIPGrammarError) { try headers.parsedAll(.reason) } }

    /// RSeq (RFC 3262 §7.1: `1*DIGIT`, 1 to 2^31-1); nil when absent or not a number.
    public var rseq: UInt32? {
        headers.firstValue(.rseq)?.parseDecimal(limit: Int(UInt32.max)).map { UInt32($0) }
    }

    /// RAck (RFC 3262 §7.2).
    public var rack: RAck? { get throws(SIPGrammarError) { try headers.parsedFirst(.rack) } }

    /// P-Asserted-Identity values (RFC 3325 §9.1).
    public var pAssertedIdentity: [NameAddress] {
        get throws(SIPGrammarError) { try headers.parsedAll(.pAssertedIdentity) }
    }

    /// P-Preferred-Identity values (RFC 3325 §9.2).
    public var pPreferredIdentity: [NameAddress] {
        get throws(SIPGrammarError) { try headers.parsedAll(.pPreferredIdentity) }
    }

    /// Diversion values, most recent first (RFC 5806 §3).
    public var diversion: [NameAddress] { get throws(SIPGrammarError) { try headers.parsedAll(.diversion) } }
}
