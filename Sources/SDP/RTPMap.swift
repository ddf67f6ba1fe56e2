/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6). For audio the encoding parameters are the channel count.
public struct RTPMap: Sendable, Hashable, CustomStringConvertible {
    /// The payload type, 0...127.
    public var payloadType: UInt8
    /// The encoding name as written (`PCMU`, `opus`, `telephone-event`, `H264` …).
    public var encodingName: String
    /// The RTP clock rate in Hz (8000 for G.722, RFC 3551 §4.5.2; 48000 for Opus, RFC 7587 §7).
    public var clockRate: Int
    /// The encoding parameters (audio channels), when written.
    public var encodingParameters: String?

    /// Creates a mapping.
    public init(payloadType: UInt8, encodingName: String, clockRate: Int,
                encodingParameters: String? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.encodingParameters = encodingParameters
    }

    /// Parses the value after `a=rtpmap:`.
    public init(parsing value: String) throws(AttributeSyntaxError) {
        // The plain shape on bytes in place; anything else (and every error) by the grammar below.
        var text = value
        if let map = text.withUTF8({ Self.fastParse($0) }) {
            self = map
            return
        }
        let fields = splitFields(value)
        guard fields.count == 2 else { throw AttributeSyntaxError("rtpmap needs '<pt> <encoding>/<clock>'") }
        guard let pt = parseDecimal(fields[0], maxDigits: 3), pt <= 127 else {
            throw AttributeSyntaxError("rtpmap payload type '\(fields[0])' is not 0...127")
        }
        let parts = fields[1].splitBytes(UInt8(ascii: "/"))
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty else {
            throw AttributeSyntaxError("rtpmap encoding '\(fields[1])' is not <name>/<clock>[/<params>]")
        }
        guard let clock = parseDecimal(parts[1]), clock > 0 else {
            throw AttributeSyntaxError("rtpmap clock rate '\(parts[1])' is not a positive number")
        }
        if parts.count == 3 && parts[2].isEmpty {
            throw AttributeSyntaxError("rtpmap has an empty encoding parameter")
        }
        self.init(payloadType: UInt8(pt), encodingName: String(parts[0]), clockRate: clock,
                  encodingParameters: parts.count == 3 ? String(parts[2]) : nil)
    }

    /// `<pt> <name>/<clock>[/<params>]` with ASCII fields, or nil.
    static func fastParse(_ bytes: UnsafeBufferPointer<UInt8>) -> RTPMap? {
        var scanner = FieldScanner(bytes)
        guard let payloadTypeField = scanner.next(), let encoding = scanner.next(), scanner.atEnd(),
              let payloadType = bytes.decimal(payloadTypeField, maxDigits: 3), payloadType <= 127,
              let slash = bytes.firstIndex(of: UInt8(ascii: "/"), in: encoding), slash > encoding.lowerBound
        else { return nil }
        for index in encoding where bytes[index] >= 0x80 { return nil }
        let rest = (slash + 1)..<encoding.upperBound
        let second = bytes.firstIndex(of: UInt8(ascii: "/"), in: rest)
        guard let clock = bytes.decimal(rest.lowerBound..<(second ?? rest.upperBound)), clock > 0 else { return nil }
        var parameters: String?
        if let second {
            let range = (second + 1)..<encoding.upperBound
            guard !range.isEmpty, bytes.firstIndex(of: UInt8(ascii: "/"), in: range) == nil else { return nil }
            parameters = bytes.string(range)
        }
        return RTPMap(payloadType: UInt8(payloadType), encodingName: bytes.string(encoding.lowerBound..<slash),
                      clockRate: clock, encodingParameters: parameters)
    }

    /// Audio channels: the encoding parameter, 1 when absent (RFC 8866 §6.6).
    public var channels: Int {
        encodingParameters.flatMap { parseDecimal($0[...]) } ?? 1
    }

    /// The value after `a=rtpmap:`.
    public var description: String {
        var text = "\(payloadType) \(encodingName)/\(clockRate)"
        if let encodingParameters { text += "/\(encodingParameters)" }
        return text
    }

    /// The static payload types of RFC 3551 §6 (Table 4 and 5) that a peer may use without an
    /// `a=rtpmap` line. Only the ones still seen in SIP are listed.
    public static func staticMapping(for payloadType: UInt8) -> RTPMap? {
        switch payloadType {
        case 0: RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        case 3: RTPMap(payloadType: 3, encodingName: "GSM", clockRate: 8000)
        case 4: RTPMap(payloadType: 4, encodingName: "G723", clockRate: 8000)
        case 8: RTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        case 9: RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000)
        case 13: RTPMap(payloadType: 13, encodingName: "CN", clockRate: 8000)
        case 18: RTPMap(payloadType: 18, encodingName: "G729", clockRate: 8000)
        case 26: RTPMap(payloadType: 26, encodingName: "JPEG", clockRate: 90000)
        case 31: RTPMap(payloadType: 31, encodingName: "H261", clockRate: 90000)
        case 34: RTPMap(payloadType: 34, encodingName: "H263", clockRate: 90000)
        default: nil
        }
    }
}
