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
    let trimmed = text[...].trimmingSpaces()
    let whole = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard let first = whole.first, let value = parseDecimal(first, maxDigits: 6) else { return nil }
    if whole.count == 2 && !(whole[1].isEmpty || parseDecimal(whole[1]) != nil) { return nil }
    return value
}
