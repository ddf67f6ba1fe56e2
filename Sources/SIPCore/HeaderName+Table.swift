// The table of header names SIPCore knows by heart: canonical spelling, compact form and whether
// the value is a comma-separated list (RFC 3261 §7.3.1). The IANA "Header Fields" registry of the
// SIP Parameters page lists the compact forms (RFC 3261 §7.3.3, §20; RFC 3515, 3841, 3892, 4028,
// 4474, 6665).

struct KnownHeader: Sendable {
    let name: String
    let compact: UInt8?
    /// True when the grammar is `#value` (several values may share one field, split on commas).
    let isList: Bool
    /// The name in lower case, as bytes, for case-insensitive matching.
    let lowercased: [UInt8]

    init(_ name: String, compact: Character? = nil, list: Bool = false) {
        self.name = name
        self.compact = compact.flatMap { $0.asciiValue }
        self.isList = list
        self.lowercased = Array(name.lowercased().utf8)
    }
}

extension HeaderName {
    // Codes are positions in `table` + 1; code 0 means "not in the table". The first entries
    // (below 64) are tracked in the parser's presence bit mask.
    static let codeVia: UInt8 = 1
    static let codeFrom: UInt8 = 2
    static let codeTo: UInt8 = 3
    static let codeCallID: UInt8 = 4
    static let codeCSeq: UInt8 = 5
    static let codeContentLength: UInt8 = 6
    static let codeMaxForwards: UInt8 = 7

    static let table: [KnownHeader] = [
        KnownHeader("Via", compact: "v", list: true),
        KnownHeader("From", compact: "f"),
        KnownHeader("To", compact: "t"),
        KnownHeader("Call-ID", compact: "i"),
        KnownHeader("CSeq"),
        KnownHeader("Content-Length", compact: "l"),
        KnownHeader("Max-Forwards"),
        KnownHeader("Contact", compact: "m", list: true),
        KnownHeader("Route", list: true),
        KnownHeader("Record-Route", list: true),
        KnownHeader("Content-Type", compact: "c"),
        KnownHeader("Expires"),
        KnownHeader("Authorization"),
        KnownHeader("WWW-Authenticate"),
        KnownHeader("Proxy-Authenticate"),
        KnownHeader("Proxy-Authorization"),
        KnownHeader("Authentication-Info"),
        KnownHeader("Supported", compact: "k", list: true),
        KnownHeader("Require", list: true),
        KnownHeader("Proxy-Require", list: true),
        KnownHeader("Unsupported", list: true),
        KnownHeader("Session-Expires", compact: "x"),
        KnownHeader("Min-SE"),
        KnownHeader("Reason", list: true),
        KnownHeader("RSeq"),
        KnownHeader("RAck"),
        KnownHeader("P-Asserted-Identity", list: true),
        KnownHeader("P-Preferred-Identity", list: true),
        KnownHeader("Diversion", list: true),
        KnownHeader("History-Info", list: true),
        KnownHeader("Allow", list: true),
        KnownHeader("Allow-Events", compact: "u", list: true),
        KnownHeader("Event", compact: "o"),
        KnownHeader("Subscription-State"),
        KnownHeader("Refer-To", compact: "r"),
        KnownHeader("Referred-By", compact: "b"),
        KnownHeader("Replaces"),
        KnownHeader("Subject", compact: "s"),
        KnownHeader("Content-Encoding", compact: "e", list: true),
        KnownHeader("Content-Disposition"),
        KnownHeader("Content-Language", list: true),
        KnownHeader("Accept", list: true),
        KnownHeader("Accept-Encoding", list: true),
        KnownHeader("Accept-Language", list: true),
        KnownHeader("Accept-Contact", compact: "a", list: true),
        KnownHeader("Reject-Contact", compact: "j", list: true),
        KnownHeader("Request-Disposition", compact: "d", list: true),
        KnownHeader("Identity", compact: "y"),
        KnownHeader("Identity-Info", compact: "n"),
        KnownHeader("Min-Expires"),
        KnownHeader("Retry-After"),
        KnownHeader("Timestamp"),
        KnownHeader("User-Agent"),
        KnownHeader("Server"),
        KnownHeader("Warning", list: true),
        KnownHeader("Date"),
        KnownHeader("MIME-Version"),
        KnownHeader("Organization"),
        KnownHeader("Priority"),
        KnownHeader("Privacy"),
        KnownHeader("Path", list: true),
        KnownHeader("Service-Route", list: true),
        KnownHeader("Alert-Info", list: true),
        KnownHeader("Call-Info", list: true),
        KnownHeader("Error-Info", list: true),
        KnownHeader("In-Reply-To", list: true),
        KnownHeader("Reply-To"),
        KnownHeader("Remote-Party-ID", list: true),
        KnownHeader("Security-Client", list: true),
        KnownHeader("Security-Server", list: true),
        KnownHeader("Security-Verify", list: true),
        KnownHeader("Target-Dialog"),
        KnownHeader("Session-ID"),
    ]

    static func code(for bytes: ArraySlice<UInt8>) -> UInt8 {
        bytes.withUnsafeBufferPointer { code(for: $0) }
    }
}
