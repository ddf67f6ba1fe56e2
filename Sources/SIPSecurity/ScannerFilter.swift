import SIPCore

/// Recognises the SIP scanners attackers sweep the internet with (INTEROP.md, toll fraud) by the
/// User-Agent they send, or, as sipvicious does with `From: "sipvicious"<sip:100@1.1.1.1>`, by
/// the From display name or user. Matching is a case-insensitive substring test.
public struct ScannerFilter: Sendable {
    /// The well-known scanner signatures: sipvicious (`friendly-scanner`, `sipvicious`), sipcli,
    /// VaxSIPUserAgent, sundayddr, iWar, SIPBomber, sip-scan. Admin tools (sipsak, sipp) are not
    /// listed: operators use them against their own gateway.
    public static let defaultSignatures = [
        "friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent", "sundayddr", "iwar",
        "sipbomber", "sip-scan",
    ]

    /// Lower-cased signatures; empty disables the filter.
    public let signatures: [String]

    public init(signatures: [String] = ScannerFilter.defaultSignatures) {
        self.signatures = signatures.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// The signature `request` matches, or nil. Looks at User-Agent, then the From display name
    /// and user; an unparseable From is not a match (it is the parser's and stack's business).
    public func matchingSignature(_ request: SIPMessage) -> String? {
        guard !signatures.isEmpty else { return nil }
        var fields: [String] = request.headers.values(.userAgent).map { String(decoding: $0, as: UTF8.self) }
        if let from = try? request.from {
            if let name = from.displayName { fields.append(name) }
            if let user = from.sipURI?.user { fields.append(user) }
        }
        for field in fields {
            if let hit = signatures.first(where: { Self.contains(field, $0) }) { return hit }
        }
        return nil
    }

    /// Whether `field` contains the lower-cased `signature`, ignoring case: on the UTF-8 bytes
    /// for an ASCII signature (no Foundation string search per request), else on lower-cased
    /// strings.
    static func contains(_ field: String, _ signature: String) -> Bool {
        let needle = signature.utf8
        guard needle.allSatisfy({ $0 < 0x80 }) else { return field.lowercased().contains(signature) }
        guard let first = needle.first else { return true }
        let haystack = Array(field.utf8)
        let count = needle.count
        guard haystack.count >= count else { return false }
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        for start in 0...(haystack.count - count) where lower(haystack[start]) == first {
            var index = start + 1
            var matched = true
            for byte in needle.dropFirst() {
                if lower(haystack[index]) != byte {
                    matched = false
                    break
                }
                index += 1
            }
            if matched { return true }
        }
        return false
    }
}
