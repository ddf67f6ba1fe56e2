import CSpanDSP

/// G.711 µ-law (PCMU) and A-law (PCMA), 8 kHz, one octet per sample (ITU-T G.711; RFC 3551
/// §4.5.14). Coding is by table lookup: 256 entries to decode, a 16-bit (µ-law) or 13-bit
/// (A-law) index to encode, built once from spandsp's reference functions. Loss is concealed
/// by spandsp's PLC.
public final class G711Codec: AudioCodec {
    /// The companding law.
    public enum Law: Sendable { case ulaw, alaw }

    /// µ-law or A-law.
    public let law: Law
    public var name: String { law == .ulaw ? "PCMU" : "PCMA" }
    public var rtpClockRate: Int { 8000 }
    public var sampleRate: Int { 8000 }
    public var channels: Int { 1 }
    public var frameDurations: [Int] { [10, 20, 30, 40, 50, 60] }

    private let concealment = ConcealmentState()
    private let decodeTable: [Int16]
    private let encodeTable: [UInt8]
    private let encodeShift: Int

    /// A G.711 codec with `law`.
    public init(law: Law) {
        self.law = law
        switch law {
        case .ulaw:
            decodeTable = G711Tables.ulawDecode
            encodeTable = G711Tables.ulawEncode
            encodeShift = G711Tables.ulawShift
        case .alaw:
            decodeTable = G711Tables.alawDecode
            encodeTable = G711Tables.alawEncode
            encodeShift = G711Tables.alawShift
        }
    }

    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into payload: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        guard payload.count >= pcm.count else { throw .bufferTooSmall }
        let shift = encodeShift
        encodeTable.withUnsafeBufferPointer { table in
            for index in 0..<pcm.count {
                // Arithmetic shift then offset: index 0 is the most negative input.
                let key = (Int(pcm[index]) + 32768) &>> shift
                payload[index] = table[key]
            }
        }
        return pcm.count
    }

    public func decode(_ payload: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        guard !payload.isEmpty else { throw .malformedPayload }
        guard pcm.count >= payload.count else { throw .bufferTooSmall }
        decodeTable.withUnsafeBufferPointer { table in
            for index in 0..<payload.count { pcm[index] = table[Int(payload[index])] }
        }
        concealment.received(UnsafeMutableBufferPointer(rebasing: pcm[0..<payload.count]))
        return payload.count
    }

    public func decodeLoss(sampleCount: Int, next: UnsafeRawBufferPointer?, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        let count = min(sampleCount, pcm.count)
        concealment.conceal(UnsafeMutableBufferPointer(rebasing: pcm[0..<count]))
        return count
    }

    public func sampleCount(of payload: UnsafeRawBufferPointer) -> Int? { payload.count }

    public func reset() { concealment.reset() }
}

/// G.711 lookup tables, built from spandsp's inline reference coders.
enum G711Tables {
    // µ-law's bias makes bucket edges differ between signs: a full 16-bit table (64 KiB,
    // shared) keeps it exact. A-law's 13 bits align on both sides.
    static let ulawShift = 0
    static let alawShift = 3   // A-law uses 13
    static let ulawDecode: [Int16] = (0..<256).map { ulaw_to_linear(UInt8($0)) }
    static let alawDecode: [Int16] = (0..<256).map { alaw_to_linear(UInt8($0)) }
    static let ulawEncode: [UInt8] = encodeTable(shift: ulawShift) { linear_to_ulaw($0) }
    static let alawEncode: [UInt8] = encodeTable(shift: alawShift) { linear_to_alaw($0) }

    /// Entry k codes the inputs whose top bits are k (all of them code alike).
    private static func encodeTable(shift: Int, _ coder: (Int32) -> UInt8) -> [UInt8] {
        (0..<(65536 >> shift)).map { key in
            let low = (key << shift) - 32768
            return coder(Int32(low))
        }
    }
}
