/// Local choices a codec is created with, beside what the peer's SDP says.
public struct CodecSettings: Hashable, Sendable {
    /// The PCM rate the caller would like (the other leg's rate), for codecs that can code at
    /// several rates (Opus): matching it avoids a resampler. Nil takes the codec's native rate.
    public var preferredSampleRate: Int?
    /// Opus encoder complexity 0…10.
    public var opusComplexity: Int
    /// Opus bitrate per channel when the fmtp has no `maxaveragebitrate`.
    public var opusDefaultBitrate: Int

    /// Settings with Opus complexity 5 and 32 kbit/s unless given.
    public init(preferredSampleRate: Int? = nil, opusComplexity: Int = OpusConfiguration.defaultComplexity, opusDefaultBitrate: Int = OpusConfiguration.defaultBitrate) {
        self.preferredSampleRate = preferredSampleRate
        self.opusComplexity = opusComplexity
        self.opusDefaultBitrate = opusDefaultBitrate
    }
}

/// Maps an SDP format (encoding name, clock rate, channels, fmtp) to a codec factory: the one
/// table of codecs (STYLE.md habit 9). Names match case-insensitively (RFC 4566 §6).
public struct CodecRegistry: Sendable {
    /// Creates a codec for a format the entry matched.
    public typealias Factory = @Sendable (CodecFormat, CodecSettings) throws(CodecError) -> any AudioCodec

    /// One registered format.
    public struct Entry: Sendable {
        /// Lowercased encoding name.
        public var name: String
        /// The RTP clock rate it matches.
        public var clockRate: Int
        /// The rtpmap channel counts it matches.
        public var channels: Set<Int>
        /// Builds the codec.
        public var factory: Factory
    }

    private var entries: [Entry] = []

    /// An empty registry.
    public init() {}

    /// Adds (or replaces) the entry for `name`/`clockRate`.
    public mutating func register(name: String, clockRate: Int, channels: Set<Int> = [1], factory: @escaping Factory) {
        let key = name.lowercased()
        entries.removeAll { $0.name == key && $0.clockRate == clockRate }
        entries.append(Entry(name: key, clockRate: clockRate, channels: channels, factory: factory))
    }

    /// Whether some entry matches `format`.
    public func supports(_ format: CodecFormat) -> Bool { entry(for: format) != nil }

    /// The formats registered, as (name, clock rate) pairs in registration order.
    public var registeredFormats: [(name: String, clockRate: Int)] { entries.map { ($0.name, $0.clockRate) } }

    /// A new codec for `format`, or `CodecError.unsupportedFormat`.
    public func makeCodec(for format: CodecFormat, settings: CodecSettings = CodecSettings()) throws(CodecError) -> any AudioCodec {
        guard let entry = entry(for: format) else { throw .unsupportedFormat(format) }
        return try entry.factory(format, settings)
    }

    private func entry(for format: CodecFormat) -> Entry? {
        let name = format.normalizedName
        return entries.first { $0.name == name && $0.clockRate == format.clockRate && $0.channels.contains(format.channels) }
    }

    /// PCMU, PCMA, G722, opus/48000/2 and L16 at 8, 16 and 48 kHz (mono).
    public static let standard: CodecRegistry = {
        var registry = CodecRegistry()
        registry.register(name: "PCMU", clockRate: 8000) { _, _ throws(CodecError) in G711Codec(law: .ulaw) }
        registry.register(name: "PCMA", clockRate: 8000) { _, _ throws(CodecError) in G711Codec(law: .alaw) }
        registry.register(name: "G722", clockRate: 8000) { _, _ throws(CodecError) in G722Codec() }
        // RFC 7587 §7: the rtpmap is always opus/48000/2, whatever is actually sent.
        registry.register(name: "opus", clockRate: 48000, channels: [2]) { format, settings throws(CodecError) in
            let configuration = OpusConfiguration(parameters: format.parameters, complexity: settings.opusComplexity, defaultBitrate: settings.opusDefaultBitrate)
            let preferred = settings.preferredSampleRate ?? 48000
            // Code at the smallest Opus rate that covers the preferred rate.
            let rate = OpusCodec.supportedSampleRates.first { $0 >= preferred } ?? 48000
            return try OpusCodec(sampleRate: rate, configuration: configuration)
        }
        for rate in L16Codec.supportedRates {
            registry.register(name: "L16", clockRate: rate) { _, _ throws(CodecError) in try L16Codec(rate: rate) }
        }
        return registry
    }()
}
