/// An RTP audio format as SDP describes it: `a=rtpmap:<pt> <name>/<clock>[/<channels>]` plus the
/// `a=fmtp` parameters (RFC 4566 §6, RFC 3551 §6). Matching is by name (case-insensitive),
/// clock rate and channel count.
public struct CodecFormat: Hashable, Sendable, CustomStringConvertible {
    /// The encoding name as written in the rtpmap line.
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: Int
    /// The rtpmap channel count (1 when absent; Opus always says 2, RFC 7587 §7).
    public var channels: Int
    /// The `a=fmtp` parameters.
    public var parameters: FormatParameters

    /// A format from its rtpmap fields and fmtp parameters.
    public init(encodingName: String, clockRate: Int, channels: Int = 1, parameters: FormatParameters = FormatParameters()) {
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
    }

    /// A format from its rtpmap fields and the fmtp parameter text (`a=fmtp:<pt> ` removed).
    public init(encodingName: String, clockRate: Int, channels: Int = 1, fmtp: String) {
        self.init(encodingName: encodingName, clockRate: clockRate, channels: channels, parameters: FormatParameters(fmtp))
    }

    /// PCMU/8000 (RFC 3551 §4.5.14).
    public static let pcmu = CodecFormat(encodingName: "PCMU", clockRate: 8000)
    /// PCMA/8000 (RFC 3551 §4.5.14).
    public static let pcma = CodecFormat(encodingName: "PCMA", clockRate: 8000)
    /// G722/8000 (RFC 3551 §4.5.2: the clock says 8000, the samples are 16 kHz).
    public static let g722 = CodecFormat(encodingName: "G722", clockRate: 8000)
    /// opus/48000/2 with default parameters (RFC 7587 §7).
    public static let opus = CodecFormat(encodingName: "opus", clockRate: 48000, channels: 2)

    /// The lowercased encoding name, for matching.
    public var normalizedName: String { encodingName.lowercased() }

    public var description: String {
        let base = "\(encodingName)/\(clockRate)" + (channels == 1 ? "" : "/\(channels)")
        return parameters.isEmpty ? base : base + " " + parameters.description
    }
}

/// `a=fmtp` parameters as `name=value` pairs separated by `;` (RFC 4566 §6; the form RFC 7587
/// §7 uses for Opus). Names compare case-insensitively; a name without `=` has an empty value.
public struct FormatParameters: Hashable, Sendable, CustomStringConvertible {
    /// Named limit: parameters kept from one fmtp line; the rest are ignored.
    public static let maximumCount = 32

    private var pairs: [(name: String, value: String)]

    /// No parameters.
    public init() { pairs = [] }

    /// Parses `name=value; name=value` (whitespace around items is ignored).
    public init(_ text: String) {
        pairs = []
        for item in text.split(separator: ";") where pairs.count < Self.maximumCount {
            let trimmed = item.trimmingSpaces()
            guard !trimmed.isEmpty else { continue }
            if let equals = trimmed.firstIndex(of: "=") {
                let name = String(trimmed[..<equals]).trimmingSpaces()
                let value = String(trimmed[trimmed.index(after: equals)...]).trimmingSpaces()
                pairs.append((name.lowercased(), value))
            } else {
                pairs.append((trimmed.lowercased(), ""))
            }
        }
    }

    /// Whether there are no parameters.
    public var isEmpty: Bool { pairs.isEmpty }

    /// The value of `name`, or nil.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return pairs.first { $0.name == key }?.value
    }

    /// The value of `name` as an integer, or nil when absent or not a number.
    public func integer(_ name: String) -> Int? { self[name].flatMap { Int($0) } }

    /// The value of `name` as an RFC 7587 flag (`1` true, `0` false), or nil when absent.
    public func flag(_ name: String) -> Bool? { integer(name).map { $0 != 0 } }

    public var description: String { pairs.map { $0.value.isEmpty ? $0.name : "\($0.name)=\($0.value)" }.joined(separator: ";") }

    public static func == (lhs: FormatParameters, rhs: FormatParameters) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in pairs {
            hasher.combine(pair.name)
            hasher.combine(pair.value)
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
