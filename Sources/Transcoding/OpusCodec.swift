import COpus

/// Opus through libopus (RFC 6716; RTP payload format RFC 7587): RTP clock always 48000
/// (RFC 7587 §4.1), PCM at any Opus rate (8, 12, 16, 24 or 48 kHz) so that a pipeline can
/// decode straight to its other leg's rate and skip a resampler. Packets of 10, 20, 40 or 60 ms
/// are one Opus frame; 30 ms packets carry three 10 ms frames joined by libopus's repacketizer
/// (RFC 6716 §3.2.5, code 3).
///
/// Loss: with the next packet at hand, its in-band FEC (LBRR) rebuilds the lost frame
/// (`opus_decode` with `decode_fec`, RFC 6716 §2.1.7); otherwise libopus's own PLC.
/// With DTX on, `encode` returns 0 for frames that need not be sent (RFC 7587 §3.1.3).
public final class OpusCodec: AudioCodec {
    /// PCM rates libopus codes at.
    public static let supportedSampleRates = [8000, 12000, 16000, 24000, 48000]
    /// Named limit: the longest frame one packet decodes to (RFC 6716 §3.2.5: 120 ms).
    public static let maximumPacketDuration = 120

    public var name: String { "opus" }
    public var rtpClockRate: Int { 48000 }
    public let sampleRate: Int
    public var channels: Int { configuration.channels }
    public var frameDurations: [Int] { [10, 20, 30, 40, 60] }
    /// The settings the encoder runs with.
    public let configuration: OpusConfiguration

    /// Sample frames per packet `encode` accepts (`frameDurations` at `sampleRate`).
    private let frameSizes: [Int]
    private var encoder: OpusEncoderState?
    /// `encoder?.pointer` and `decoder?.pointer`, read per frame without retaining the owners.
    private var encoderPointer: OpaquePointer?
    private var decoderPointer: OpaquePointer?
    private var repacketizer: OpusRepacketizerState?
    private var subframes: [UInt8] = []
    private var decoder: OpusDecoderState?

    /// An Opus codec whose PCM is at `sampleRate`, set up by `configuration`.
    public init(sampleRate: Int = 48000, configuration: OpusConfiguration = OpusConfiguration()) throws(CodecError) {
        guard Self.supportedSampleRates.contains(sampleRate) else {
            throw .unsupportedFormat(CodecFormat(encodingName: "opus", clockRate: sampleRate, channels: 2))
        }
        self.sampleRate = sampleRate
        self.configuration = configuration
        frameSizes = [10, 20, 30, 40, 60].map { sampleRate * $0 / 1000 }
    }

    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        let frames = pcm.count / channels
        guard frameSizes.contains(frames) else { throw .unsupportedFrameSize(frames) }
        guard let input = pcm.baseAddress, let output = payload.baseAddress else { throw .bufferTooSmall }
        let state: OpaquePointer
        if let encoderPointer { state = encoderPointer } else { state = try encoderState().pointer }
        if frames == samples(milliseconds: 30) {
            return try encodeThreeFrames(input, state: state, into: payload)
        }
        let length = opus_encode(state, input, Int32(frames), output.assumingMemoryBound(to: UInt8.self), Int32(min(payload.count, 1275 * 3)))
        guard length >= 0 else { throw .library("opus_encode", length) }
        // RFC 7587 §3.1.3: with DTX, a packet of at most 2 octets carries no audio and is not sent.
        if configuration.dtx && length <= 2 { return 0 }
        return Int(length)
    }

    /// 30 ms: three 10 ms packets joined into one. Should the encoder switch mode or bandwidth
    /// between them, the repacketizer refuses the odd one and the packet carries fewer frames
    /// (the receiver conceals the rest).
    private func encodeThreeFrames(_ input: UnsafePointer<Int16>, state: OpaquePointer, into payload: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        let tenMilliseconds = samples(milliseconds: 10)
        if subframes.isEmpty { subframes = [UInt8](repeating: 0, count: 3 * 1275) }
        if repacketizer == nil { repacketizer = try OpusRepacketizerState() }
        guard let joiner = repacketizer?.pointer, let output = payload.baseAddress else { throw .bufferTooSmall }
        opus_repacketizer_init(joiner)
        var silent = 0
        let result: Int32 = subframes.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<3 {
                let frame = buffer.baseAddress! + index * 1275
                let length = opus_encode(state, input + index * tenMilliseconds * channels, Int32(tenMilliseconds), frame, 1275)
                guard length >= 0 else { return length }
                if length <= 2 { silent += 1 }
                _ = opus_repacketizer_cat(joiner, frame, length)
            }
            return opus_repacketizer_out(joiner, output.assumingMemoryBound(to: UInt8.self), Int32(payload.count))
        }
        guard result >= 0 else { throw .library(result == OPUS_BUFFER_TOO_SMALL ? "opus_repacketizer_out" : "opus_encode", result) }
        if configuration.dtx && silent == 3 { return 0 }
        return Int(result)
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        guard let input = payload.baseAddress, !payload.isEmpty else { throw .malformedPayload }
        guard let output = pcm.baseAddress else { throw .bufferTooSmall }
        let state: OpaquePointer
        if let decoderPointer { state = decoderPointer } else { state = try decoderState().pointer }
        let count = opus_decode(state, input.assumingMemoryBound(to: UInt8.self), Int32(payload.count), output, Int32(pcm.count / channels), 0)
        guard count >= 0 else {
            throw count == OPUS_BUFFER_TOO_SMALL ? .bufferTooSmall : .malformedPayload
        }
        return Int(count)
    }

    public func decodeLoss(sampleCount: Int, next: UnsafeRawBufferPointer?, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        guard let output = pcm.baseAddress else { throw .bufferTooSmall }
        // libopus conceals in multiples of 2.5 ms.
        let quantum = sampleRate / 400
        let wanted = min(sampleCount, pcm.count / channels) / quantum * quantum
        guard wanted > 0 else { return 0 }
        let state = try decoderState()
        var count: Int32
        if let next, let input = next.baseAddress, !next.isEmpty {
            // PLC for all but the last frame's worth, then that frame from the FEC data.
            count = opus_decode(state.pointer, input.assumingMemoryBound(to: UInt8.self), Int32(next.count), output, Int32(wanted), 1)
        } else {
            count = opus_decode(state.pointer, nil, 0, output, Int32(wanted), 0)
        }
        if count < 0 {
            // A corrupt next packet: fall back to plain PLC.
            count = opus_decode(state.pointer, nil, 0, output, Int32(wanted), 0)
        }
        guard count >= 0 else { throw .library("opus_decode (PLC)", count) }
        return Int(count)
    }

    public func sampleCount(of payload: UnsafeRawBufferPointer) -> Int? {
        guard let input = payload.baseAddress, !payload.isEmpty else { return nil }
        let count = opus_packet_get_nb_samples(input.assumingMemoryBound(to: UInt8.self), Int32(payload.count), Int32(sampleRate))
        return count > 0 ? Int(count) : nil
    }

    public func reset() {
        if let encoder { _ = gh_opus_encoder_reset(encoder.pointer) }
        if let decoder { _ = gh_opus_decoder_reset(decoder.pointer) }
    }

    /// The encoder's lookahead (algorithmic delay) in samples at `sampleRate`.
    public func encoderLookahead() throws(CodecError) -> Int {
        var samples: Int32 = 0
        _ = gh_opus_encoder_get_lookahead(try encoderState().pointer, &samples)
        return Int(samples)
    }

    private func encoderState() throws(CodecError) -> OpusEncoderState {
        if let encoder { return encoder }
        let state = try OpusEncoderState(sampleRate: sampleRate, configuration: configuration)
        encoder = state
        encoderPointer = state.pointer
        return state
    }

    private func decoderState() throws(CodecError) -> OpusDecoderState {
        if let decoder { return decoder }
        let state = try OpusDecoderState(sampleRate: sampleRate, channels: channels)
        decoder = state
        decoderPointer = state.pointer
        return state
    }
}

/// Owns one `OpusEncoder` (an `OpaquePointer`, C-LIBRARIES.md), set up from a configuration.
final class OpusEncoderState {
    let pointer: OpaquePointer

    init(sampleRate: Int, configuration: OpusConfiguration) throws(CodecError) {
        var error: Int32 = 0
        guard let pointer = opus_encoder_create(Int32(sampleRate), Int32(configuration.channels), OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw .library("opus_encoder_create", error)
        }
        let bandwidth: Int32 = switch min(configuration.maxPlaybackRate, sampleRate) {
        case ...8000: OPUS_BANDWIDTH_NARROWBAND
        case ...12000: OPUS_BANDWIDTH_MEDIUMBAND
        case ...16000: OPUS_BANDWIDTH_WIDEBAND
        case ...24000: OPUS_BANDWIDTH_SUPERWIDEBAND
        default: OPUS_BANDWIDTH_FULLBAND
        }
        let results = [
            gh_opus_encoder_set_bitrate(pointer, Int32(configuration.bitrate)),
            gh_opus_encoder_set_complexity(pointer, Int32(configuration.complexity)),
            gh_opus_encoder_set_signal_voice(pointer),
            gh_opus_encoder_set_max_bandwidth(pointer, bandwidth),
            gh_opus_encoder_set_inband_fec(pointer, configuration.inbandFEC ? 1 : 0),
            gh_opus_encoder_set_packet_loss_perc(pointer, configuration.inbandFEC ? Int32(configuration.expectedLossPercent) : 0),
            gh_opus_encoder_set_dtx(pointer, configuration.dtx ? 1 : 0),
            gh_opus_encoder_set_vbr(pointer, configuration.constantBitrate ? 0 : 1),
        ]
        if let failure = results.first(where: { $0 != OPUS_OK }) {
            opus_encoder_destroy(pointer)
            throw .library("opus_encoder_ctl", failure)
        }
        self.pointer = pointer
    }

    deinit { opus_encoder_destroy(pointer) }
}

/// Owns one `OpusRepacketizer`.
final class OpusRepacketizerState {
    let pointer: OpaquePointer

    init() throws(CodecError) {
        guard let pointer = opus_repacketizer_create() else { throw .library("opus_repacketizer_create", OPUS_ALLOC_FAIL) }
        self.pointer = pointer
    }

    deinit { opus_repacketizer_destroy(pointer) }
}

/// Owns one `OpusDecoder`.
final class OpusDecoderState {
    let pointer: OpaquePointer

    init(sampleRate: Int, channels: Int) throws(CodecError) {
        var error: Int32 = 0
        guard let pointer = opus_decoder_create(Int32(sampleRate), Int32(channels), &error), error == OPUS_OK else {
            throw .library("opus_decoder_create", error)
        }
        self.pointer = pointer
    }

    deinit { opus_decoder_destroy(pointer) }
}
