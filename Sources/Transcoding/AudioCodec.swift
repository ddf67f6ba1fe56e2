/// An audio codec instance: one encoder and one decoder state for one RTP stream format.
///
/// PCM is 16-bit signed, native byte order, interleaved when `channels` is 2, at `sampleRate`.
/// Sample counts in this API are per channel (sample frames). The encoder and decoder are
/// independent: a pipeline direction typically uses only one of them, and conforming types
/// create each C state on first use.
///
/// Not `Sendable`: a codec belongs to one pipeline on one event loop.
public protocol AudioCodec: AnyObject {
    /// The SDP encoding name (RFC 4566 §6 `a=rtpmap`), for example `PCMU` or `opus`.
    var name: String { get }
    /// The RTP clock rate in Hz (the timestamp unit), which need not equal `sampleRate`
    /// (G.722: 8000 for 16 kHz samples, RFC 3551 §4.5.2).
    var rtpClockRate: Int { get }
    /// The PCM sample rate this instance encodes from and decodes to.
    var sampleRate: Int { get }
    /// PCM channels (1 or 2).
    var channels: Int { get }
    /// Packet durations in milliseconds this codec can encode as one payload.
    var frameDurations: [Int] { get }

    /// Encodes the sample frames in `pcm` into `payload`; returns the octets written, or 0 when
    /// the frame need not be sent (discontinuous transmission). The frame count must be one of
    /// `frameDurations` at `sampleRate`.
    func encode(_ pcm: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int

    /// Decodes one RTP payload into `pcm`; returns the sample frames written.
    func decode(_ payload: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int

    /// Conceals `sampleCount` lost sample frames into `pcm` (packet loss concealment). When the
    /// packet after the loss is at hand, `next` holds its payload (Opus uses its in-band FEC).
    /// Returns the sample frames written (`sampleCount`, or less when `pcm` is short).
    func decodeLoss(sampleCount: Int, next: UnsafeRawBufferPointer?, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int

    /// The sample frames a payload holds, at `sampleRate`, or nil when it cannot be told
    /// without decoding.
    func sampleCount(of payload: UnsafeRawBufferPointer) -> Int?

    /// Forgets all encoder and decoder history (a new stream).
    func reset()
}

extension AudioCodec {
    /// Sample frames in `milliseconds` at `sampleRate`.
    public func samples(milliseconds: Int) -> Int { sampleRate * milliseconds / 1000 }

    /// RTP timestamp units in `milliseconds` at `rtpClockRate`.
    public func timestampUnits(milliseconds: Int) -> Int { rtpClockRate * milliseconds / 1000 }

    /// Encodes an array of interleaved PCM (convenience for tests and tools; allocates).
    public func encode(_ pcm: [Int16]) throws(CodecError) -> [UInt8] {
        var payload = [UInt8](repeating: 0, count: max(64, pcm.count * 2 + 64))
        let count = try pcm.withUnsafeBufferPointer { input in
            payload.withUnsafeMutableBytes { output in Result { () throws(CodecError) in try encode(input, into: output) } }
        }.get()
        payload.removeLast(payload.count - count)
        return payload
    }

    /// Decodes one payload to an array of interleaved PCM (convenience; allocates).
    public func decode(_ payload: [UInt8]) throws(CodecError) -> [Int16] {
        var pcm = [Int16](repeating: 0, count: sampleRate * channels * 120 / 1000)
        let count = try payload.withUnsafeBytes { input in
            pcm.withUnsafeMutableBufferPointer { output in Result { () throws(CodecError) in try decode(input, into: output) } }
        }.get()
        pcm.removeLast(pcm.count - count * channels)
        return pcm
    }

    /// Conceals `sampleCount` lost sample frames (convenience; allocates).
    public func decodeLoss(sampleCount: Int, next: [UInt8]? = nil) throws(CodecError) -> [Int16] {
        var pcm = [Int16](repeating: 0, count: sampleCount * channels)
        let count = try pcm.withUnsafeMutableBufferPointer { output in
            guard let next else { return Result { () throws(CodecError) in try decodeLoss(sampleCount: sampleCount, next: nil, into: output) } }
            return next.withUnsafeBytes { bytes in
                Result { () throws(CodecError) in try decodeLoss(sampleCount: sampleCount, next: bytes, into: output) }
            }
        }.get()
        pcm.removeLast(pcm.count - count * channels)
        return pcm
    }
}

/// Why a codec could not be created or could not code a frame.
public enum CodecError: Error, Hashable, Sendable {
    /// No codec in the registry matches this format.
    case unsupportedFormat(CodecFormat)
    /// The frame size is not one the codec can encode (samples per channel given).
    case unsupportedFrameSize(Int)
    /// A payload from the peer could not be decoded (empty, truncated or corrupt).
    case malformedPayload
    /// The caller's output buffer is too small.
    case bufferTooSmall
    /// The C library refused: `library` names it, `code` is its error code.
    case library(String, Int32)
}
