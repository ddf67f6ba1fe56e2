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
    /// Which bytes an ASCII signature starts with (bit `b` of the pair's word `b / 64`).
    private let signatureStarts: SIMD2<UInt64>

    public init(signatures: [String] = ScannerFilter.defaultSignatures) {
        self.signatures = signatures.map { $0.lowercased() }.filter { !$0.isEmpty }
        let bytes = self.signatures.map { Array($0.utf8) }
        asciiSignatures = bytes.allSatisfy { $0.allSatisfy { $0 < 0x80 } } ? bytes : nil
        signatureStarts = Self.starts(of: bytes)
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

    /// The byte search: `field` is ASCII and so is every signature (already lower case). One
    /// pass over the field, lower-casing as it goes (nothing is allocated): at each position
    /// only the signatures starting with that byte are tried; the lowest list index found wins.
    private func firstSignature<Bytes: Collection<UInt8>>(inASCII field: Bytes) -> String? {
        guard let asciiSignatures else { return nil }
        let found: Int? =
            field.withContiguousStorageIfAvailable { Self.firstIndex(of: asciiSignatures, in: $0, starts: signatureStarts) }
            ?? Array(field).withUnsafeBufferPointer { Self.firstIndex(of: asciiSignatures, in: $0, starts: signatureStarts) }
        return found.map { signatures[$0] }
    }

    /// The lowest index of a signature `haystack` contains, ASCII case-insensitively (the
    /// signatures are lower case); `starts` has bit `b` set when a signature starts with `b`.
    private static func firstIndex(of needles: [[UInt8]], in haystack: UnsafeBufferPointer<UInt8>, starts: SIMD2<UInt64>)
        -> Int?
    {
        var best: Int?
        for start in haystack.indices {
            let byte = lowered(haystack[start])
            guard byte < 0x80, starts[Int(byte >> 6)] & (1 << UInt64(byte & 63)) != 0 else { continue }
            for (index, needle) in needles.enumerated() {
                if let best, index >= best { break }
                guard needle.first == byte, needle.count <= haystack.count - start else { continue }
                var matched = 1
                while matched < needle.count, lowered(haystack[start + matched]) == needle[matched] { matched += 1 }
                if matched == needle.count {
                    best = index
                    break
                }
            }
            if best == 0 { return 0 }
        }
        return best
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte }

    /// The first-byte set of `signatures` (bytes below 128 only).
    static func starts(of signatures: [[UInt8]]) -> SIMD2<UInt64> {
        var set = SIMD2<UInt64>(0, 0)
        for first in signatures.compactMap(\.first) where first < 0x80 { set[Int(first >> 6)] |= 1 << UInt64(first & 63) }
        return set
    }
}
