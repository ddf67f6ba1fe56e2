/// Typed views of the media-level attributes. The parser has already checked their grammar,
/// so these skip (never trap on) an attribute a caller built by hand with a bad value.
extension MediaDescription {
    /// Every `a=rtpmap` (RFC 8866 §6.6).
    public var rtpMaps: [RTPMap] {
        attributes.compactMap {
            guard $0.name.caseInsensitiveEquals("rtpmap"), let value = $0.value else { return nil }
            return try? RTPMap(parsing: value)
        }
    }

    /// The mapping for a payload type: its `a=rtpmap`, else the RFC 3551 static assignment.
    public func rtpMap(for payloadType: UInt8) -> RTPMap? {
        rtpMaps.first { $0.payloadType == payloadType } ?? RTPMap.staticMapping(for: payloadType)
    }

    /// Every `a=fmtp` (RFC 8866 §6.15).
    public var formatParameters: [FormatParameters] {
        attributes.compactMap {
            guard $0.name.caseInsensitiveEquals("fmtp"), let value = $0.value else { return nil }
            return try? FormatParameters(parsing: value)
        }
    }

    /// The `a=fmtp` of one format, or nil.
    public func formatParameters(for format: String) -> FormatParameters? {
        formatParameters.first { $0.format == format }
    }

    /// `a=ptime` in milliseconds (RFC 8866 §6.4); a fractional value is truncated.
    public var ptime: Int? { milliseconds(named: "ptime") }

    /// `a=maxptime` in milliseconds (RFC 8866 §6.5).
    public var maxptime: Int? { milliseconds(named: "maxptime") }

    private func milliseconds(named name: String) -> Int? {
        guard let value = attributes.first(named: name)?.value else { return nil }
        return parseMilliseconds(value)
    }

    /// `a=rtcp` (RFC 3605).
    public var rtcp: RTCPAttribute? {
        attributes.first(named: "rtcp")?.value.flatMap { try? RTCPAttribute(parsing: $0) }
    }

    /// True when `a=rtcp-mux` is present (RFC 5761 §5.1.1).
    public var rtcpMux: Bool { attributes.contains(named: "rtcp-mux") }

    /// Every `a=crypto` in order of preference (RFC 4568 §9.1).
    public var cryptos: [CryptoAttribute] {
        attributes.all(named: "crypto").compactMap { $0.value.flatMap { try? CryptoAttribute(parsing: $0) } }
    }

    /// The media-level `a=fingerprint` lines (RFC 8122 §5).
    public var fingerprints: [FingerprintAttribute] {
        attributes.all(named: "fingerprint").compactMap {
            $0.value.flatMap { try? FingerprintAttribute(parsing: $0) }
        }
    }

    /// `a=setup` (RFC 4145 §4).
    public var setup: SetupRole? {
        attributes.first(named: "setup")?.value.flatMap { try? SetupRole(parsing: $0) }
    }

    /// Every `a=ssrc` (RFC 5576).
    public var ssrcs: [SSRCAttribute] {
        attributes.all(named: "ssrc").compactMap { $0.value.flatMap { try? SSRCAttribute(parsing: $0) } }
    }

    /// `a=mid` (RFC 5888 §4).
    public var mid: String? { attributes.first(named: "mid")?.value }

    /// Every `a=rtcp-fb` (RFC 4585 §4.2).
    public var rtcpFeedback: [RTCPFeedback] {
        attributes.all(named: "rtcp-fb").compactMap { $0.value.flatMap { try? RTCPFeedback(parsing: $0) } }
    }
}

/// `20`, `20.0` or `22.5` → whole milliseconds; nil when not a number.
func parseMilliseconds(_ text: String) -> Int? {
    // On the bytes (no split into substrings): optional spaces, up to six digits, optionally a
    // dot and more digits (or nothing) after it, optional spaces.
    let utf8 = text.utf8
    var index = utf8.startIndex
    var end = utf8.endIndex
    while index < end, utf8[index] == 0x20 || utf8[index] == 0x09 { index = utf8.index(after: index) }
    while end > index {
        let last = utf8.index(before: end)
        guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
        end = last
    }
    var value = 0
    var digits = 0
    while index < end, utf8[index] != UInt8(ascii: ".") {
        guard isDigit(utf8[index]), digits < 6 else { return nil }
        value = value * 10 + Int(utf8[index] &- UInt8(ascii: "0"))
        digits += 1
        index = utf8.index(after: index)
    }
    guard digits > 0 else { return nil }
    guard index < end else { return value }
    // The fraction: empty, or at most nine digits (and nothing else, no second dot).
    index = utf8.index(after: index)
    var fraction = 0
    while index < end {
        guard isDigit(utf8[index]), fraction < 9 else { return nil }
        fraction += 1
        index = utf8.index(after: index)
    }
    return value
}
