/// How an Opus encoder and decoder are set up, from the peer's `a=fmtp` (RFC 7587 §6.1) and
/// local settings.
///
/// The fmtp given is the one the *peer* wrote: its receive preferences (`stereo`,
/// `maxplaybackrate`, `maxaveragebitrate`, `useinbandfec`, `usedtx`, `cbr`) shape what we encode
/// towards it, and its `sprop-stereo` tells what it sends us.
public struct OpusConfiguration: Hashable, Sendable {
    /// RFC 7587 §6.1: `maxaveragebitrate` is 6000…510000 bit/s.
    public static let bitrateRange = 6000...510_000
    /// The encoder complexity used when the operator sets none (0…10; 5 is about half the CPU
    /// of 10 for speech, BENCHMARKING.md).
    public static let defaultComplexity = 5
    /// The bitrate used when the fmtp gives none, per channel.
    public static let defaultBitrate = 32000

    /// PCM channels for encoding and decoding: 2 when the peer asked for (`stereo=1`) or
    /// announced (`sprop-stereo=1`) stereo.
    public var channels: Int
    /// Target bitrate in bit/s.
    public var bitrate: Int
    /// Encoder complexity 0…10.
    public var complexity: Int
    /// In-band FEC (`useinbandfec=1`): the encoder adds LBRR data for the previous frame.
    public var inbandFEC: Bool
    /// The packet loss the encoder plans FEC for, in percent (used when `inbandFEC`).
    public var expectedLossPercent: Int
    /// Discontinuous transmission (`usedtx=1`).
    public var dtx: Bool
    /// Constant bitrate (`cbr=1`).
    public var constantBitrate: Bool
    /// The highest audio bandwidth the peer renders (`maxplaybackrate`), in Hz of sample rate:
    /// 8000, 12000, 16000, 24000 or 48000.
    public var maxPlaybackRate: Int

    /// Settings from the peer's fmtp, with `complexity` and `defaultBitrate` from local policy.
    public init(parameters: FormatParameters = FormatParameters(), complexity: Int = OpusConfiguration.defaultComplexity, defaultBitrate: Int = OpusConfiguration.defaultBitrate) {
        let stereo = parameters.flag("stereo") == true || parameters.flag("sprop-stereo") == true
        channels = stereo ? 2 : 1
        if let requested = parameters.integer("maxaveragebitrate") {
            bitrate = min(max(requested, Self.bitrateRange.lowerBound), Self.bitrateRange.upperBound)
        } else {
            bitrate = defaultBitrate * channels
        }
        self.complexity = min(max(complexity, 0), 10)
        inbandFEC = parameters.flag("useinbandfec") == true
        expectedLossPercent = 10
        dtx = parameters.flag("usedtx") == true
        constantBitrate = parameters.flag("cbr") == true
        // RFC 7587 §6.1: maxplaybackrate defaults to 48000 and any value is allowed; round up to
        // the next Opus bandwidth's sample rate.
        let playback = parameters.integer("maxplaybackrate") ?? 48000
        maxPlaybackRate = [8000, 12000, 16000, 24000].first { playback <= $0 } ?? 48000
    }
}
