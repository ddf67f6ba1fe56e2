/// L16: uncompressed 16-bit linear PCM in network byte order (RFC 3551 §4.5.11), mono, at the
/// rtpmap clock rate (8000, 16000 or 48000 here; the clock is the sample rate). Loss is
/// concealed by spandsp's PLC.
public final class L16Codec: AudioCodec {
    /// The rates this implementation accepts.
    public static let supportedRates = [8000, 16000, 48000]

    public var name: String { "L16" }
    public let rtpClockRate: Int
    public var sampleRate: Int { rtpClockRate }
    public var channels: Int { 1 }
    public var frameDurations: [Int] { [10, 20, 30, 40, 50, 60] }

    private let concealment = ConcealmentState()

    /// L16 at `rate` Hz (one of `supportedRates`).
    public init(rate: Int) throws(CodecError) {
        guard Self.supportedRates.contains(rate) else {
            throw .unsupportedFormat(CodecFormat(encodingName: "L16", clockRate: rate))
        }
        rtpClockRate = rate
    }

    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        guard payload.count >= pcm.count * 2 else { throw .bufferTooSmall }
        for index in 0..<pcm.count {
            payload.storeBytes(of: pcm[index].bigEndian, toByteOffset: index * 2, as: Int16.self)
        }
        return pcm.count * 2
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        guard !payload.isEmpty, payload.count % 2 == 0 else { throw .malformedPayload }
        let count = payload.count / 2
        guard pcm.count >= count else { throw .bufferTooSmall }
        for index in 0..<count {
            pcm[index] = Int16(bigEndian: payload.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))
        }
        concealment.received(UnsafeMutableBufferPointer(rebasing: pcm[0..<count]))
        return count
    }

    public func decodeLoss(sampleCount: Int, next: UnsafeRawBufferPointer?, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        let count = min(sampleCount, pcm.count)
        concealment.conceal(UnsafeMutableBufferPointer(rebasing: pcm[0..<count]))
        return count
    }

    public func sampleCount(of payload: UnsafeRawBufferPointer) -> Int? { payload.count / 2 }

    public func reset() { concealment.reset() }
}
