/// The body types of legacy SIP INFO DTMF (RFC 6086 §1 "legacy INFO usages", no Info-Package).
public enum DTMFInfoContentType: String, Hashable, Sendable, CaseIterable {
    /// `Signal=1\r\nDuration=250\r\n`: the de facto standard (no RFC; Cisco's format).
    case dtmfRelay = "application/dtmf-relay"
    /// The digit alone.
    case dtmf = "application/dtmf"

    /// Recognises a `Content-Type` header value: case-insensitive, parameters and spaces ignored.
    public init?(headerValue: String) {
        let mediaType = headerValue.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = mediaType.trimmingASCIIWhitespace().lowercased()
        guard let type = DTMFInfoContentType(rawValue: trimmed) else { return nil }
        self = type
    }
}

/// One digit carried by a SIP INFO request.
public struct DTMFInfoBody: Hashable, Sendable {
    /// Largest body accepted: a relay body is about 25 octets; anything near this is not DTMF.
    public static let maximumBodyLength = 512
    /// Duration assumed when the body has none (INTEROP.md: devices omit it; 100 ms is the
    /// common assumption).
    public static let defaultDurationMilliseconds = 100
    /// Longest duration believed; larger values are clamped (a door needs no minute-long tone).
    public static let maximumDurationMilliseconds = 10_000
    /// Default minimum Duration sent to an endpoint (doors miss shorter digits).
    public static let defaultMinimumDurationMilliseconds = 250

    /// The digit.
    public var digit: DTMFDigit
    /// Duration in milliseconds.
    public var durationMilliseconds: Int

    /// A body.
    public init(digit: DTMFDigit, durationMilliseconds: Int = DTMFInfoBody.defaultDurationMilliseconds) {
        self.digit = digit
        self.durationMilliseconds = durationMilliseconds
    }

    /// Parses an INFO body of `contentType`. Returns `nil` for an empty (or blank) body, which is
    /// answered 200 and carries no digit; throws for a body that must be answered with
    /// `error.statusCode`.
    ///
    /// Tolerant as devices in the field require: CR, LF or CRLF line ends, keys in any case,
    /// spaces around `=`, `10`/`11` for `*`/`#` (and 12–15 for A–D), a missing Duration (100 ms),
    /// unknown keys ignored, a Duration that is not a number treated as missing.
    public static func parse(_ body: some Collection<UInt8>, contentType: DTMFInfoContentType) throws(DTMFInfoBodyError) -> DTMFInfoBody? {
        guard body.count <= maximumBodyLength else { throw .bodyTooLarge(length: body.count) }
        let bytes = Array(body)
        guard bytes.contains(where: { !isWhitespace($0) }) else { return nil }
        switch contentType {
        case .dtmf:
            let value = trimmed(bytes[...])
            guard let digit = signal(value) else { throw .invalidSignal(String(decoding: value, as: UTF8.self)) }
            return DTMFInfoBody(digit: digit)
        case .dtmfRelay:
            return try parseRelay(bytes)
        }
    }

    /// Parses an INFO request's body given its raw `Content-Type` header value (`nil` when
    /// absent). An empty body is no digit whatever the type (a keep-alive INFO: answer 200); a
    /// body of another type throws `unsupportedContentType` (answer 415).
    public static func parse(_ body: some Collection<UInt8>, contentTypeHeader: String?) throws(DTMFInfoBodyError) -> DTMFInfoBody? {
        guard let header = contentTypeHeader, let type = DTMFInfoContentType(headerValue: header) else {
            if body.allSatisfy(isWhitespace) { return nil }
            throw .unsupportedContentType(contentTypeHeader ?? "")
        }
        return try parse(body, contentType: type)
    }

    private static func parseRelay(_ bytes: [UInt8]) throws(DTMFInfoBodyError) -> DTMFInfoBody {
        var digit: DTMFDigit?
        var duration: Int?
        var sawSignal = false
        let lines = bytes.split(whereSeparator: { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") })
        for line in lines {
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                // A relay body holding the bare digit (seen from a few devices) is accepted.
                if lines.count == 1, let bare = signal(trimmed(line)) { return DTMFInfoBody(digit: bare) }
                continue
            }
            let key = trimmed(line[line.startIndex..<equals]).map { $0 | 0x20 }  // ASCII lower-case
            let value = trimmed(line[(equals + 1)...])
            if key.elementsEqual("signal".utf8) {
                sawSignal = true
                guard let parsed = signal(value) else { throw .invalidSignal(String(decoding: value, as: UTF8.self)) }
                digit = parsed
            } else if key.elementsEqual("duration".utf8) {
                duration = number(value)
            }
        }
        guard sawSignal, let digit else { throw .missingSignal }
        var milliseconds = duration ?? defaultDurationMilliseconds
        if milliseconds <= 0 { milliseconds = defaultDurationMilliseconds }
        return DTMFInfoBody(digit: digit, durationMilliseconds: min(milliseconds, maximumDurationMilliseconds))
    }

    /// The body for `contentType`, with the duration raised to `minimumDurationMilliseconds`.
    public func serialized(as contentType: DTMFInfoContentType, minimumDurationMilliseconds: Int = DTMFInfoBody.defaultMinimumDurationMilliseconds) -> [UInt8] {
        switch contentType {
        case .dtmf:
            return [digit.ascii]
        case .dtmfRelay:
            let duration = max(durationMilliseconds, minimumDurationMilliseconds)
            return Array("Signal=\(digit)\r\nDuration=\(duration)\r\n".utf8)
        }
    }

    /// A digit value: one of `0-9*#A-D`, or an event code 0–15 written as a number.
    static func signal(_ value: ArraySlice<UInt8>) -> DTMFDigit? {
        if value.count == 1, let first = value.first, let digit = DTMFDigit(ascii: first) { return digit }
        if let code = number(value), code <= 15 { return DTMFDigit(eventCode: UInt8(code)) }
        return nil
    }

    /// A non-negative decimal of at most 6 digits.
    static func number(_ value: ArraySlice<UInt8>) -> Int? {
        guard !value.isEmpty, value.count <= 6 else { return nil }
        var result = 0
        for byte in value {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }
}

/// Why an INFO DTMF body was refused; each case carries the SIP response to answer with
/// (the request is answered, never dropped: the peer's INFO transaction must complete).
public enum DTMFInfoBodyError: Error, Hashable, Sendable {
    /// A body over `DTMFInfoBody.maximumBodyLength`.
    case bodyTooLarge(length: Int)
    /// A relay body with no `Signal` line.
    case missingSignal
    /// A `Signal` (or `application/dtmf` body) that is no digit.
    case invalidSignal(String)
    /// The request's Content-Type is not a DTMF body type.
    case unsupportedContentType(String)

    /// The SIP status code to answer with.
    public var statusCode: Int {
        switch self {
        case .bodyTooLarge: 413
        case .missingSignal, .invalidSignal: 400
        case .unsupportedContentType: 415
        }
    }

    /// The reason phrase, saying what was wrong.
    public var reasonPhrase: String {
        switch self {
        case .bodyTooLarge(let length): "DTMF Body Too Large (\(length) octets)"
        case .missingSignal: "Missing Signal In DTMF Body"
        case .invalidSignal(let value): "Invalid DTMF Signal \(Self.printable(value))"
        case .unsupportedContentType: "Unsupported Media Type"
        }
    }

    /// At most 16 printable ASCII characters of peer text, for a reason phrase.
    static func printable(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.prefix(16).map {
            $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?"
        }))
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
