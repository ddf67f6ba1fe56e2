import Foundation
import SIPCore

/// Recognises the SIP scanners attackers sweep the internet with (INTEROP.md, toll fraud) by the
/// User-Agent they send, or, as sipvicious does with `From: "sipvicious"<sip:100@1.1.1.1>`, by
/// the From display name or user. Matching is a case-insensitive substring test.
///
/// It runs on every inbound request, so ASCII fields (all real ones) are searched as bytes; a
/// field with other characters goes through the Unicode lower-casing and search.
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
    /// The signatures' bytes when every one is ASCII (the byte search is then exact); nil sends
    /// every field through the Unicode path.
    private let asciiSignatures: [[UInt8]]?
    /// True when no signature holds whitespace, a quote or a backslash: a From value that is
    /// ASCII without a backslash then holds its display name's and user's every occurrence of a
    /// signature verbatim, so one search of the raw value can rule the From out unparsed.
    private let rawFromSearchIsExact: Bool

    public init(signatures: [String] = ScannerFilter.defaultSignatures) {
        self.signatures = signatures.map { $0.lowercased() }.filter { !$0.isEmpty }
        let bytes = self.signatures.map { Array($0.utf8) }
        asciiSignatures = bytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } } ? bytes : nil
        rawFromSearchIsExact = bytes.allSatisfy { signature in
            !signature.contains { $0 == 0x20 || $0 == 0x09 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        }
    }

    /// The signature `request` matches, or nil. Looks at User-Agent, then the From display name
    /// and user; an unparseable From is not a match (it is the parser's and stack's business).
    public func matchingSignature(_ request: SIPMessage) -> String? {
        guard !signatures.isEmpty else { return nil }
        for value in request.headers.values(.userAgent) {
            if let hit = firstSignature(in: value) { return hit }
        }
        if rawFromSearchIsExact, asciiSignatures != nil, let raw = request.headers.first(.from),
           raw.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "\\") }), firstSignature(in: raw) == nil {
            return nil
        }
        guard let from = try? request.from else { return nil }
        if let name = from.displayName, let hit = firstSignature(in: name) { return hit }
        if let user = from.sipURI?.user, let hit = firstSignature(in: user) { return hit }
        return nil
    }

    /// The first signature (in list order) that `field` contains, case-insensitively.
    private func firstSignature(in field: String) -> String? {
        if asciiSignatures != nil, field.utf8.allSatisfy({ $0 < 0x80 }) { return firstSignature(inASCII: field.utf8) }
        let lowered = field.lowercased()
        return signatures.first { lowered.contains($0) }
    }

    private func firstSignature(in field: ArraySlice<UInt8>) -> String? {
        if asciiSignatures != nil, field.allSatisfy({ $0 < 0x80 }) { return firstSignature(inASCII: field) }
        return firstSignature(in: String(decoding: field, as: UTF8.self))
    }

    /// The byte search: `field` is ASCII and so is every signature (already lower case).
    private func firstSignature<Bytes: Collection<UInt8>>(inASCII field: Bytes) -> String? {
        guard let asciiSignatures else { return nil }
        let lowered = field.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }
        for (index, signature) in asciiSignatures.enumerated() where Self.contains(lowered, signature) {
            return signatures[index]
        }
        return nil
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
