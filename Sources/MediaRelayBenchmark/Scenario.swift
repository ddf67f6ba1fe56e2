import Foundation
import MediaRelay
import NIOCore
import SecureRTP
import Transcoding

/// What one benchmark row relays: leg A always speaks PCMU; leg B speaks `codecB`, with SRTP
/// in the `srtp` row.
enum Scenario: String, CaseIterable {
    /// (a) same-codec PCMU relay.
    case relay
    /// (b) PCMU ↔ Opus transcoding (48 kHz, complexity and bitrate from `CodecSettings` defaults).
    case opus
    /// (c) PCMU ↔ G.722 transcoding.
    case g722
    /// (d) plain RTP ↔ SRTP (AES_CM_128_HMAC_SHA1_80), same codec, on the default backend (OpenSSL).
    case srtp
    /// (d) the same on libsrtp2 (Debian: NSS), for the comparison.
    case srtpLibsrtp = "srtp-libsrtp"

    /// The SRTP library of the SRTP rows.
    var srtpBackend: SRTPBackend? { self == .srtpLibsrtp ? .libsrtp : nil }
    var usesSRTP: Bool { self == .srtp || self == .srtpLibsrtp }

    var codecB: MediaCodec {
        switch self {
        case .relay, .srtp, .srtpLibsrtp: MediaCodec(payloadType: 0, format: .pcmu)
        case .opus: MediaCodec(payloadType: 111, format: .opus)
        case .g722: MediaCodec(payloadType: 9, format: .g722)
        }
    }

    var transcodes: Bool { self == .opus || self == .g722 }
}

/// A speech-like test signal (gliding harmonics under a syllable envelope) at `rate` Hz.
func speech(rate: Int, seconds: Double) -> [Int16] {
    let count = Int(Double(rate) * seconds)
    var phases = [Double](repeating: 0, count: 40)
    var samples = [Int16](repeating: 0, count: count)
    for n in 0..<count {
        let t = Double(n) / Double(rate)
        let pitch = 160 + 65 * sin(2 * .pi * 0.7 * t)
        let envelope = pow(max(0, sin(2 * .pi * 2.1 * t)), 0.6)
        var sample = 0.0
        for k in 1..<phases.count where pitch * Double(k) < 3400 {
            phases[k] += 2 * .pi * pitch * Double(k) / Double(rate)
            sample += sin(phases[k]) / Double(k)
        }
        samples[n] = Int16(max(-32000, min(32000, 9000 * sample * envelope)))
    }
    return samples
}

/// One second of 20 ms payloads of the test signal in `format`, cycled by the generator so the
/// encoders see speech, not silence.
func payloads(_ format: CodecFormat, settings: CodecSettings = CodecSettings()) throws -> [[UInt8]] {
    let codec = try CodecRegistry.standard.makeCodec(for: format, settings: settings)
    let frame = codec.samples(milliseconds: 20) * codec.channels
    let pcm = speech(rate: codec.sampleRate, seconds: 1.0)
    return try stride(from: 0, to: pcm.count - frame + 1, by: frame).map { try codec.encode(Array(pcm[$0..<($0 + frame)])) }
}

/// The raw codec work of one transcoded call, both directions (PCMU decode + B encode, B decode
/// + PCMU encode; no resampling, jitter buffer, packets or I/O), measured in repetitions of
/// `measure()`: CPU µs per 20 ms frame pair.
/// `sampleRate` is the PCM rate the codecs run at (the engine codes at the narrower leg's rate);
/// the encoder is made by the registry with the engine's `CodecSettings`, so application,
/// complexity, bitrate, FEC, DTX, bandwidth and frame size are the engine's.
///
/// Like for like: B's decoder is fed `peerFrames`, the very packets the generator's B phone
/// sends the engine (a real Opus phone encodes at its own rate, fullband unless told otherwise),
/// not packets from our own narrowband encoder; decoding fullband Opus costs about 25% more
/// than narrowband at the same 8 kHz output, so the latter made the reference too cheap.
///
/// `calls` codec sets are coded round-robin, one frame pair each per round, as the engine does
/// with `calls` concurrent calls: each call has its own four codec instances (PCMU decoder, B
/// encoder, B decoder, PCMU encoder: the engine's two pipelines), so the C states compete for
/// the caches as they do in the engine; `calls: 1` is one hot set. Call k codes the frames the
/// generator's phones of call k send, in the same order (`Peer.frameOffset`): by default each
/// call is at its own place in the signal, with `LOCKSTEP=1` every call codes the same frame in
/// a round (identical states and inputs back to back: the branch predictors learn them, so that
/// costs about 10% less per frame than one hot set, while calls at different places cost
/// 5–10% more).
final class RawCodecLoop {
    struct Call {
        let pcmuDecoder: any AudioCodec
        let encoder: any AudioCodec
        let decoder: any AudioCodec
        let pcmuEncoder: any AudioCodec
    }
    let set: [Call]
    let other: any AudioCodec
    let pcmuFrames: [[UInt8]]
    let otherFrames: [[UInt8]]
    let otherPCM: [Int16]
    let frameSamples: Int
    var pcmNarrow = [Int16](repeating: 0, count: 160 * 12)
    var pcmWide: [Int16]
    var payload = [UInt8](repeating: 0, count: 4000)
    var sink = 0
    var round = 0
    /// Rounds per measurement: whole cycles of the one-second signal (the frames differ in
    /// cost: the syllable envelope), about `frames` frame pairs, at least one cycle.
    let rounds: Int

    init(_ format: CodecFormat, sampleRate: Int? = nil, peerFrames: [[UInt8]], calls: Int = 1, frames: Int = 500) throws {
        let settings = CodecSettings(preferredSampleRate: sampleRate)
        set = try (0..<max(1, calls)).map { _ in
            Call(pcmuDecoder: try CodecRegistry.standard.makeCodec(for: .pcmu),
                 encoder: try CodecRegistry.standard.makeCodec(for: format, settings: settings),
                 decoder: try CodecRegistry.standard.makeCodec(for: format, settings: settings),
                 pcmuEncoder: try CodecRegistry.standard.makeCodec(for: .pcmu))
        }
        other = set[0].encoder
        pcmuFrames = try payloads(.pcmu)
        otherFrames = peerFrames
        otherPCM = speech(rate: other.sampleRate, seconds: 1.0)
        frameSamples = other.samples(milliseconds: 20) * other.channels
        pcmWide = [Int16](repeating: 0, count: frameSamples * 6)
        let cycle = otherFrames.count
        rounds = cycle * max(1, frames / (cycle * set.count))
        // Warm up: every state made and touched.
        try run(max(2, 50 / set.count))
    }

    /// One measurement: CPU µs per frame pair over `rounds` rounds of every call.
    func measure() throws -> Double {
        let start = threadCPUNanoseconds()
        try run(rounds)
        return Double(threadCPUNanoseconds() - start) / 1000 / Double(rounds * set.count)
    }

    private func run(_ count: Int) throws {
        for _ in 0..<count {
            let base = round
            round += 1
            for (index, call) in set.enumerated() {
                let slot = (base + Peer.frameOffset(call: index, frames: otherFrames.count)) % otherFrames.count
                // A → B: PCMU decode, B encode.
                sink &+= try pcmuFrames[slot % pcmuFrames.count].withUnsafeBytes { input in
                    try pcmNarrow.withUnsafeMutableBufferPointer { try call.pcmuDecoder.decode(input, into: $0) }
                }
                if other.sampleRate == 8000, other.channels == 1 {
                    // What the engine encodes: the decoded PCMU frame (μ-law noise included).
                    let samples = frameSamples
                    sink &+= try pcmNarrow.withUnsafeBufferPointer { all in
                        try payload.withUnsafeMutableBytes { try call.encoder.encode(UnsafeBufferPointer(rebasing: all[0..<samples]), into: $0) }
                    }
                } else {
                    // Another rate (G.722's 16 kHz): the test signal at that rate (the engine
                    // resamples the decoded frame; resampling is not codec work).
                    let start = slot * frameSamples
                    let end = min(otherPCM.count, start + frameSamples)
                    sink &+= try otherPCM.withUnsafeBufferPointer { all in
                        let frame = UnsafeBufferPointer(rebasing: all[start..<end])
                        return try payload.withUnsafeMutableBytes { try call.encoder.encode(frame, into: $0) }
                    }
                }
                // B → A: B decode, PCMU encode.
                sink &+= try otherFrames[slot].withUnsafeBytes { input in
                    try pcmWide.withUnsafeMutableBufferPointer { try call.decoder.decode(input, into: $0) }
                }
                sink &+= try pcmNarrow.withUnsafeBufferPointer { all in
                    try payload.withUnsafeMutableBytes { try call.pcmuEncoder.encode(UnsafeBufferPointer(rebasing: all[0..<160]), into: $0) }
                }
            }
        }
    }
}

/// Summary statistics of repeated measurements.
struct Samples {
    var values: [Double]
    var median: Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
    var best: Double { values.min() ?? 0 }
    var worst: Double { values.max() ?? 0 }
}

/// `repetitions` measurements of a fresh raw loop (the references printed beside the median loop).
func rawCodecMicrosecondsPerFrame(_ format: CodecFormat, sampleRate: Int? = nil, peerFrames: [[UInt8]], calls: Int = 1, repetitions: Int = 3) throws -> Samples {
    let loop = try RawCodecLoop(format, sampleRate: sampleRate, peerFrames: peerFrames, calls: calls)
    return Samples(values: try (0..<repetitions).map { _ in try loop.measure() })
}

/// The raw SRTP work of one plain ↔ SRTP call per 20 ms (unprotect one packet from the SRTP
/// leg, protect one packet for it, 172-octet PCMU packets): CPU µs, no I/O.
func rawSRTPMicrosecondsPerFrame(backend: SRTPBackend?, frames: Int = 2000) throws -> Double {
    let suite = SRTPCryptoSuite.aesCM128HMACSHA1_80
    let relayKey = SDESKeyParameters.generate(for: suite)
    let phoneKey = SDESKeyParameters.generate(for: suite)
    let relay = try SRTPSession(suite: suite, localKey: relayKey, remoteKey: phoneKey, backend: backend)
    let phone = try SRTPSession(suite: suite, localKey: phoneKey, remoteKey: relayKey, backend: backend)
    var packet = ByteBufferAllocator().buffer(capacity: 256)
    var fromPhone: [ByteBuffer] = []
    for number in 0..<(frames * 4 + 50) {
        packet.clear()
        packet.writeBytes([0x80, 0, UInt8(truncatingIfNeeded: number >> 8), UInt8(truncatingIfNeeded: number)])
        packet.writeInteger(UInt32(number * 160))
        packet.writeInteger(UInt32(0xABCD))
        packet.writeRepeatingByte(0x55, count: 160)
        var copy = ByteBufferAllocator().buffer(capacity: 256)
        copy.writeImmutableBuffer(packet)
        try phone.protectRTP(&copy)
        fromPhone.append(copy)
    }
    var next = 0
    func run(_ count: Int) throws {
        for _ in 0..<count {
            try relay.unprotectRTP(&fromPhone[next])
            try relay.protectRTP(&fromPhone[next])
            next += 1
        }
    }
    try run(50)
    var best = Double.infinity
    for _ in 0..<3 {
        let start = threadCPUNanoseconds()
        try run(frames)
        best = min(best, Double(threadCPUNanoseconds() - start) / 1000 / Double(frames))
    }
    return best
}

/// The calling thread's CPU time.
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
