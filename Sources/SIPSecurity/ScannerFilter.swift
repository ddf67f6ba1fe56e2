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
            let lowered = field.lowercased()
            if let hit = signatures.first(where: { lowered.contains($0) }) { return hit }
        }
        return nil
    }
}
