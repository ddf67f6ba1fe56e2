import CSpanDSP

/// G.722 at 64 kbit/s through spandsp (ITU-T G.722): 16 kHz samples, one octet per two samples,
/// RTP clock 8000 (RFC 3551 §4.5.2: the clock rate was registered wrong and kept for
/// compatibility), so 20 ms is 320 samples, 160 octets and a timestamp step of 160.
/// Loss is concealed by spandsp's PLC on the 16 kHz signal.
public final class G722Codec: AudioCodec {
    public var name: String { "G722" }
    public var rtpClockRate: Int { 8000 }
    public var sampleRate: Int { 16000 }
    public var channels: Int { 1 }
    public var frameDurations: [Int] { [10, 20, 30, 40, 50, 60] }

    private var encoder: G722EncoderState?
    private var decoder: G722DecoderState?
    private let concealment = ConcealmentState()

    /// A G.722 codec; the C states are created on first use.
    public init() {}

    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        guard pcm.count % 2 == 0 else { throw .unsupportedFrameSize(pcm.count) }
        guard payload.count >= pcm.count / 2 else { throw .bufferTooSmall }
        guard let input = pcm.baseAddress, let output = payload.baseAddress else { return 0 }
        let state = try encoderState()
        return Int(g722_encode(state.pointer, output.assumingMemoryBound(to: UInt8.self), input, Int32(pcm.count)))
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        guard let input = payload.baseAddress, !payload.isEmpty else { throw .malformedPayload }
        guard pcm.count >= payload.count * 2, let output = pcm.baseAddress else { throw .bufferTooSmall }
        let state = try decoderState()
        let count = Int(g722_decode(state.pointer, output, input.assumingMemoryBound(to: UInt8.self), Int32(payload.count)))
        concealment.received(UnsafeMutableBufferPointer(rebasing: pcm[0..<count]))
        return count
    }

    public func decodeLoss(sampleCount: Int, next: UnsafeRawBufferPointer?, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        let count = min(sampleCount, pcm.count)
        concealment.conceal(UnsafeMutableBufferPointer(rebasing: pcm[0..<count]))
        return count
    }

    public func sampleCount(of payload: UnsafeRawBufferPointer) -> Int? { payload.count * 2 }

    public func reset() {
        encoder = nil
        decoder = nil
        concealment.reset()
    }

    private func encoderState() throws(CodecError) -> G722EncoderState {
        if let encoder { return encoder }
        let state = try G722EncoderState()
        encoder = state
        return state
    }

    private func decoderState() throws(CodecError) -> G722DecoderState {
        if let decoder { return decoder }
        let state = try G722DecoderState()
        decoder = state
        return state
    }
}

/// Owns one spandsp `g722_encode_state_t` (an `OpaquePointer`, C-LIBRARIES.md).
final class G722EncoderState {
    let pointer: OpaquePointer
    init() throws(CodecError) {
        guard let pointer = g722_encode_init(nil, 64000, 0) else { throw .library("spandsp g722_encode_init", -1) }
        self.pointer = pointer
    }
    deinit { g722_encode_free(pointer) }
}

/// Owns one spandsp `g722_decode_state_t`.
final class G722DecoderState {
    let pointer: OpaquePointer
    init() throws(CodecError) {
        guard let pointer = g722_decode_init(nil, 64000, 0) else { throw .library("spandsp g722_decode_init", -1) }
        self.pointer = pointer
    }
    deinit { g722_decode_free(pointer) }
}
