// Header name lookup on bytes, derived from `HeaderName.table` (HeaderName+Table.swift): one
// switch on length and first letter, then a byte comparison with a static string, so that
// indexing a message neither allocates nor touches a global array. The test
// `SIPHeadersTests.lookupMatchesTheTable` checks every entry of the table against it.

extension HeaderName {
    /// The table code for a header name written as `bytes` (any case, full or compact), 0 when
    /// the name is not in the table.
    @inline(__always)
    static func code(for bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let count = bytes.count
        guard count > 0 else { return 0 }
        let first = Octet.lower(bytes[0])
        if count == 1 {
            switch first {
            case 0x61: return 45  // a: Accept-Contact
            case 0x62: return 36  // b: Referred-By
            case 0x63: return 11  // c: Content-Type
            case 0x64: return 47  // d: Request-Disposition
            case 0x65: return 39  // e: Content-Encoding
            case 0x66: return 2  // f: From
            case 0x69: return 4  // i: Call-ID
            case 0x6A: return 46  // j: Reject-Contact
            case 0x6B: return 18  // k: Supported
            case 0x6C: return 6  // l: Content-Length
            case 0x6D: return 8  // m: Contact
            case 0x6E: return 49  // n: Identity-Info
            case 0x6F: return 33  // o: Event
            case 0x72: return 35  // r: Refer-To
            case 0x73: return 38  // s: Subject
            case 0x74: return 3  // t: To
            case 0x75: return 32  // u: Allow-Events
            case 0x76: return 1  // v: Via
            case 0x78: return 22  // x: Session-Expires
            case 0x79: return 48  // y: Identity
            default: return 0
            }
        }
        switch count << 8 | Int(first) {
        case 2 << 8 | 0x74: if equals(bytes, "to") { return 3 }
            return 0
        case 3 << 8 | 0x76: if equals(bytes, "via") { return 1 }
            return 0
        case 4 << 8 | 0x63: if equals(bytes, "cseq") { return 5 }
            return 0
        case 4 << 8 | 0x64: if equals(bytes, "date") { return 56 }
            return 0
        case 4 << 8 | 0x66: if equals(bytes, "from") { return 2 }
            return 0
        case 4 << 8 | 0x70: if equals(bytes, "path") { return 61 }
            return 0
        case 4 << 8 | 0x72: if equals(bytes, "rseq") { return 25 }
            if equals(bytes, "rack") { return 26 }
            return 0
        case 5 << 8 | 0x61: if equals(bytes, "allow") { return 31 }
            return 0
        case 5 << 8 | 0x65: if equals(bytes, "event") { return 33 }
            return 0
        case 5 << 8 | 0x72: if equals(bytes, "route") { return 9 }
            return 0
        case 6 << 8 | 0x61: if equals(bytes, "accept") { return 42 }
            return 0
        case 6 << 8 | 0x6D: if equals(bytes, "min-se") { return 23 }
            return 0
        case 6 << 8 | 0x72: if equals(bytes, "reason") { return 24 }
            return 0
        case 6 << 8 | 0x73: if equals(bytes, "server") { return 54 }
            return 0
        case 7 << 8 | 0x63: if equals(bytes, "call-id") { return 4 }
            if equals(bytes, "contact") { return 8 }
            return 0
        case 7 << 8 | 0x65: if equals(bytes, "expires") { return 12 }
            return 0
        case 7 << 8 | 0x70: if equals(bytes, "privacy") { return 60 }
            return 0
        case 7 << 8 | 0x72: if equals(bytes, "require") { return 19 }
            return 0
        case 7 << 8 | 0x73: if equals(bytes, "subject") { return 38 }
            return 0
        case 7 << 8 | 0x77: if equals(bytes, "warning") { return 55 }
            return 0
        case 8 << 8 | 0x69: if equals(bytes, "identity") { return 48 }
            return 0
        case 8 << 8 | 0x70: if equals(bytes, "priority") { return 59 }
            return 0
        case 8 << 8 | 0x72: if equals(bytes, "refer-to") { return 35 }
            if equals(bytes, "replaces") { return 37 }
            if equals(bytes, "reply-to") { return 67 }
            return 0
        case 9 << 8 | 0x63: if equals(bytes, "call-info") { return 64 }
            return 0
        case 9 << 8 | 0x64: if equals(bytes, "diversion") { return 29 }
            return 0
        case 9 << 8 | 0x73: if equals(bytes, "supported") { return 18 }
            return 0
        case 9 << 8 | 0x74: if equals(bytes, "timestamp") { return 52 }
            return 0
        case 10 << 8 | 0x61: if equals(bytes, "alert-info") { return 63 }
            return 0
        case 10 << 8 | 0x65: if equals(bytes, "error-info") { return 65 }
            return 0
        case 10 << 8 | 0x73: if equals(bytes, "session-id") { return 73 }
            return 0
        case 10 << 8 | 0x75: if equals(bytes, "user-agent") { return 53 }
            return 0
        case 11 << 8 | 0x69: if equals(bytes, "in-reply-to") { return 66 }
            return 0
        case 11 << 8 | 0x6D: if equals(bytes, "min-expires") { return 50 }
            return 0
        case 11 << 8 | 0x72: if equals(bytes, "referred-by") { return 36 }
            if equals(bytes, "retry-after") { return 51 }
            return 0
        case 11 << 8 | 0x75: if equals(bytes, "unsupported") { return 21 }
            return 0
        case 12 << 8 | 0x61: if equals(bytes, "allow-events") { return 32 }
            return 0
        case 12 << 8 | 0x63: if equals(bytes, "content-type") { return 11 }
            return 0
        case 12 << 8 | 0x68: if equals(bytes, "history-info") { return 30 }
            return 0
        case 12 << 8 | 0x6D: if equals(bytes, "max-forwards") { return 7 }
            if equals(bytes, "mime-version") { return 57 }
            return 0
        case 12 << 8 | 0x6F: if equals(bytes, "organization") { return 58 }
            return 0
        case 12 << 8 | 0x72: if equals(bytes, "record-route") { return 10 }
            return 0
        case 13 << 8 | 0x61: if equals(bytes, "authorization") { return 13 }
            return 0
        case 13 << 8 | 0x69: if equals(bytes, "identity-info") { return 49 }
            return 0
        case 13 << 8 | 0x70: if equals(bytes, "proxy-require") { return 20 }
            return 0
        case 13 << 8 | 0x73: if equals(bytes, "service-route") { return 62 }
            return 0
        case 13 << 8 | 0x74: if equals(bytes, "target-dialog") { return 72 }
            return 0
        case 14 << 8 | 0x61: if equals(bytes, "accept-contact") { return 45 }
            return 0
        case 14 << 8 | 0x63: if equals(bytes, "content-length") { return 6 }
            return 0
        case 14 << 8 | 0x72: if equals(bytes, "reject-contact") { return 46 }
            return 0
        case 15 << 8 | 0x61: if equals(bytes, "accept-encoding") { return 43 }
            if equals(bytes, "accept-language") { return 44 }
            return 0
        case 15 << 8 | 0x72: if equals(bytes, "remote-party-id") { return 68 }
            return 0
        case 15 << 8 | 0x73: if equals(bytes, "session-expires") { return 22 }
            if equals(bytes, "security-client") { return 69 }
            if equals(bytes, "security-server") { return 70 }
            if equals(bytes, "security-verify") { return 71 }
            return 0
        case 16 << 8 | 0x63: if equals(bytes, "content-encoding") { return 39 }
            if equals(bytes, "content-language") { return 41 }
            return 0
        case 16 << 8 | 0x77: if equals(bytes, "www-authenticate") { return 14 }
            return 0
        case 18 << 8 | 0x70: if equals(bytes, "proxy-authenticate") { return 15 }
            return 0
        case 18 << 8 | 0x73: if equals(bytes, "subscription-state") { return 34 }
            return 0
        case 19 << 8 | 0x61: if equals(bytes, "authentication-info") { return 17 }
            return 0
        case 19 << 8 | 0x63: if equals(bytes, "content-disposition") { return 40 }
            return 0
        case 19 << 8 | 0x70: if equals(bytes, "proxy-authorization") { return 16 }
            if equals(bytes, "p-asserted-identity") { return 27 }
            return 0
        case 19 << 8 | 0x72: if equals(bytes, "request-disposition") { return 47 }
            return 0
        case 20 << 8 | 0x70: if equals(bytes, "p-preferred-identity") { return 28 }
            return 0
        default: return 0
        }
    }

    /// Case-insensitive comparison of `bytes` with a lower-case name of the same length.
    @inline(__always)
    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        let known = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
        for index in 1..<known.count where Octet.lower(bytes[index]) != known[index] { return false }
        return true
    }
}
