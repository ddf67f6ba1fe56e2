/// Fast paths of the line grammar, read on bytes in place.
///
/// Each one accepts only the plain, well-formed shape of its line (the shape every real device
/// sends) and returns nil for anything else; the caller then runs the `String` grammar in
/// `SessionDescriptionBuilder+Fields.swift`, which either accepts the line with the same result
/// or throws the precise error. So these never decide an error and never widen what is accepted.
extension SessionDescriptionBuilder {
    /// `o=` with six fields and a numeric session version (RFC 8866 §5.2).
    static func fastOrigin(_ value: LineBytes) -> Origin? {
        var scanner = FieldScanner(value)
        guard let username = scanner.next(), let sessionID = scanner.next(), let version = scanner.next(),
              let networkType = scanner.next(), let addressType = scanner.next(), let address = scanner.next(),
              scanner.atEnd(), value.allDigits(version) else { return nil }
        return Origin(username: value.string(username), sessionID: value.string(sessionID),
                      sessionVersion: value.string(version), networkType: value.string(networkType),
                      addressType: value.string(addressType), address: value.string(address))
    }

    /// `c=<nettype> IP4 <address>` without multicast suffix (RFC 8866 §5.7): a dotted quad of
    /// 0...255 parts, or a name.
    static func fastConnection(_ value: LineBytes) -> Connection? {
        var scanner = FieldScanner(value)
        guard let networkType = scanner.next(), let addressType = scanner.next(), let address = scanner.next(),
              scanner.atEnd(), value.equalsLowercased(addressType, "ip4"),
              value.firstIndex(of: UInt8(ascii: "/"), in: address) == nil else { return nil }
        var numeric = true
        for index in address where !(isDigit(value[index]) || value[index] == UInt8(ascii: ".")) {
            numeric = false
            break
        }
        if numeric {
            // Four parts of one to three digits, each 0...255.
            var parts = 0
            var start = address.lowerBound
            for index in address.lowerBound...address.upperBound
            where index == address.upperBound || value[index] == UInt8(ascii: ".") {
                guard let octet = value.decimal(start..<index, maxDigits: 3), octet <= 255 else { return nil }
                parts += 1
                start = index + 1
            }
            guard parts == 4 else { return nil }
        }
        return Connection(networkType: value.string(networkType), addressType: value.string(addressType),
                          address: value.string(address))
    }

    /// `t=<start> <stop>` in NTP seconds (RFC 8866 §5.9).
    static func fastTiming(_ value: LineBytes) -> Timing? {
        var scanner = FieldScanner(value)
        guard let start = scanner.next(), let stop = scanner.next(), scanner.atEnd(),
              value.allDigits(start), value.allDigits(stop) else { return nil }
        return Timing(start: value.string(start), stop: value.string(stop))
    }

    /// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8).
    static func fastBandwidth(_ value: LineBytes) -> Bandwidth? {
        guard let colon = value.firstIndex(of: UInt8(ascii: ":"), in: 0..<value.count), colon > 0,
              let number = value.decimal((colon + 1)..<value.count, maxDigits: 18) else { return nil }
        return Bandwidth(type: value.string(0..<colon), value: UInt64(number))
    }

    /// `m=<media> <port> <proto> <fmt> ...` without a port count; RTP formats 0...127
    /// (RFC 8866 §5.14).
    func fastMedia(_ value: LineBytes) -> MediaDescription? {
        var scanner = FieldScanner(value)
        guard let media = scanner.next(), let portField = scanner.next(), let protoField = scanner.next(),
              let port = value.decimal(portField, maxDigits: 5), port <= 65535 else { return nil }
        let proto = TransportProtocol(value.string(protoField))
        let isRTP = proto.isRTP
        var formats: [String] = []
        while let format = scanner.next() {
            guard formats.count < limits.maxFormatsPerMedia else { return nil }
            if isRTP {
                guard let payloadType = value.decimal(format, maxDigits: 3), payloadType <= 127 else { return nil }
            }
            formats.append(value.string(format))
        }
        return MediaDescription(media: MediaType(value.string(media)), port: UInt16(port),
                                portCount: nil, proto: proto, formats: formats)
    }

    /// `a=<name>[:<value>]` with a plain ASCII token as name, whose value passes the check of
    /// a known attribute (the common ones: `rtpmap`, `fmtp`, `ptime`, `maxptime`); nil for the
    /// other known attributes, which the `String` grammar checks.
    static func fastAttribute(_ text: LineBytes) -> Attribute? {
        let colon = text.firstIndex(of: UInt8(ascii: ":"), in: 0..<text.count)
        let name = 0..<(colon ?? text.count)
        guard !name.isEmpty else { return nil }
        for index in name where text[index] <= 0x20 || text[index] >= 0x7F { return nil }
        guard let colon else {
            // A property attribute; the checked ones all need a value.
            guard checkedKind(text, name) == nil else { return nil }
            return Attribute(text.string(name))
        }
        let value = (colon + 1)..<text.count
        if let kind = checkedKind(text, name) {
            guard !value.isEmpty else { return nil }
            switch kind {
            case .rtpmap: guard RTPMap.fastParse(LineBytes(rebasing: text[value])) != nil else { return nil }
            case .fmtp:
                // FormatParameters needs a non-empty format before the first space (or tab).
                guard text[value.lowerBound] != 0x20, text[value.lowerBound] != 0x09 else { return nil }
            case .milliseconds:
                guard value.count <= 6, text.allDigits(value) else { return nil }
            case .other: return nil
            }
        }
        return Attribute(text.string(name), text.string(value))
    }

    private enum CheckedKind { case rtpmap, fmtp, milliseconds, other }

    /// Which of `checkedAttributes` the name is, compared ignoring ASCII case.
    private static func checkedKind(_ text: LineBytes, _ name: Range<Int>) -> CheckedKind? {
        switch name.count {
        case 3: return text.equalsLowercased(name, "mid") ? .other : nil
        case 4:
            if text.equalsLowercased(name, "fmtp") { return .fmtp }
            return text.equalsLowercased(name, "rtcp") || text.equalsLowercased(name, "ssrc") ? .other : nil
        case 5:
            if text.equalsLowercased(name, "ptime") { return .milliseconds }
            return text.equalsLowercased(name, "setup") ? .other : nil
        case 6:
            if text.equalsLowercased(name, "rtpmap") { return .rtpmap }
            return text.equalsLowercased(name, "crypto") ? .other : nil
        case 7: return text.equalsLowercased(name, "rtcp-fb") ? .other : nil
        case 8: return text.equalsLowercased(name, "maxptime") ? .milliseconds : nil
        case 11: return text.equalsLowercased(name, "fingerprint") ? .other : nil
        default: return nil
        }
    }
}
