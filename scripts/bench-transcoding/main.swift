// Transcoding benchmark: thread CPU time per 20 ms frame of a call, both directions, for the
// full TranscodingPipeline (jitter buffer, decode, resample, repacketize, encode) against the
// raw codec work alone (decode + encode with the same codecs and settings, no pipeline).
// Run with scripts/bench-transcoding/run (release build of a scratch package).
import CSpanDSP
import Foundation
import Transcoding

/// Runs `body()` (which processes `frames` 20 ms frames) `runs` times after one warm-up;
/// returns the fastest run's µs per frame and allocations per frame.
func measure(frames: Int, runs: Int = 5, _ body: () throws -> Int) rethrows -> (micros: Double, allocations: Double) {
    sink &+= UInt64(truncatingIfNeeded: try body())
    let run = try fastestRun(runs: runs, per: frames, body)
    return (run.nanoseconds / 1000, run.allocations)
}

/// A speech-like signal (gliding harmonic series under a syllable envelope), 8 kHz band.
func speech(rate: Int, seconds: Double) -> [Int16] {
    let count = Int(Double(rate) * seconds)
    var phase = [Double](repeating: 0, count: 40)
    return (0..<count).map { n in
        let t = Double(n) / Double(rate)
        let pitch = 160 + 65 * sin(2 * .pi * 0.7 * t)
        let envelope = pow(max(0, sin(2 * .pi * 2.1 * t)), 0.6)
        var sample = 0.0
        for k in 1..<phase.count where pitch * Double(k) < 3400 {
            phase[k] += 2 * .pi * pitch * Double(k) / Double(rate)
            sample += sin(phase[k]) / Double(k)
        }
        return Int16(max(-32000, min(32000, 9000 * sample * envelope)))
    }
}

func encodeAll(_ pcm: [Int16], _ codec: any AudioCodec) throws -> [[UInt8]] {
    let frame = codec.samples(milliseconds: 20)
    return try stride(from: 0, to: pcm.count - frame + 1, by: frame).map { try codec.encode(Array(pcm[$0..<($0 + frame)])) }
}

/// One call: leg A speaks `aFormat` (8 kHz PCMU here), leg B speaks `bFormat`.
struct Call {
    let name: String
    let aFormat: CodecFormat
    let bFormat: CodecFormat
    let settings: CodecSettings
}

let seconds = 10.0
let frames = Int(seconds * 50)
let opusSettings = CodecSettings(opusComplexity: 5, opusDefaultBitrate: 32000)
let registry = CodecRegistry.standard

func makeCodec(_ format: CodecFormat, preferred: Int?) throws -> any AudioCodec {
    var settings = opusSettings
    settings.preferredSampleRate = preferred
    return try registry.makeCodec(for: format, settings: settings)
}

/// Measures pipeline vs raw for a call A ⇄ B, both directions per frame. `opusRate` forces the
/// Opus PCM rate (nil: match the other leg, no resampler).
func benchmark(_ label: String, a aFormat: CodecFormat, b bFormat: CodecFormat, bRate: Int?) throws -> String {
    let aProbe = try makeCodec(aFormat, preferred: nil)
    let bProbe = try makeCodec(bFormat, preferred: bRate ?? aProbe.sampleRate)
    // Inputs: leg A's payloads, and leg B's payloads encoded from the same speech at B's rate.
    let aPayloads = try encodeAll(speech(rate: aProbe.sampleRate, seconds: seconds), makeCodec(aFormat, preferred: nil))
    let bPayloads = try encodeAll(speech(rate: bProbe.sampleRate, seconds: seconds), makeCodec(bFormat, preferred: bProbe.sampleRate))
    let aStep = UInt32(aProbe.timestampUnits(milliseconds: 20)), bStep = UInt32(bProbe.timestampUnits(milliseconds: 20))

    // Raw: decode A → encode B, decode B → encode A, same codec settings, PCM handed over
    // directly (and resampled only when the rates differ, shown separately).
    let aDecoder = try makeCodec(aFormat, preferred: nil), bEncoder = try makeCodec(bFormat, preferred: bProbe.sampleRate)
    let bDecoder = try makeCodec(bFormat, preferred: bProbe.sampleRate), aEncoder = try makeCodec(aFormat, preferred: nil)
    var aPCM = [Int16](repeating: 0, count: 5760), bPCM = [Int16](repeating: 0, count: 5760)
    var out = [UInt8](repeating: 0, count: 4000)
    let raw = try measure(frames: frames) {
        var total = 0
        for index in 0..<frames {
            let decodedA = try aPayloads[index].withUnsafeBytes { p in try aPCM.withUnsafeMutableBufferPointer { try aDecoder.decode(p, into: $0) } }
            total += try aPCM.withUnsafeBufferPointer { pcm in try out.withUnsafeMutableBytes { try bEncoder.encode(UnsafeBufferPointer(rebasing: pcm[0..<(bEncoder.sampleRate == aDecoder.sampleRate ? decodedA : bEncoder.samples(milliseconds: 20))]), into: $0) } }
            let decodedB = try bPayloads[index].withUnsafeBytes { p in try bPCM.withUnsafeMutableBufferPointer { try bDecoder.decode(p, into: $0) } }
            total += try bPCM.withUnsafeBufferPointer { pcm in try out.withUnsafeMutableBytes { try aEncoder.encode(UnsafeBufferPointer(rebasing: pcm[0..<(aEncoder.sampleRate == bDecoder.sampleRate ? decodedB : aEncoder.samples(milliseconds: 20))]), into: $0) } }
        }
        return total
    }

    // Resampling alone (when the rates differ): A rate → B rate and back, 20 ms each.
    var resample = (micros: 0.0, allocations: 0.0)
    if aProbe.sampleRate != bProbe.sampleRate {
        let up = Resampler(from: aProbe.sampleRate, to: bProbe.sampleRate), down = Resampler(from: bProbe.sampleRate, to: aProbe.sampleRate)
        let aFrame = speech(rate: aProbe.sampleRate, seconds: 0.02), bFrame = speech(rate: bProbe.sampleRate, seconds: 0.02)
        var scratch = [Int16](repeating: 0, count: 8000)
        resample = measure(frames: frames) {
            var total = 0
            for _ in 0..<frames {
                total += aFrame.withUnsafeBufferPointer { a in scratch.withUnsafeMutableBufferPointer { up.process(a, into: $0) } }
                total += bFrame.withUnsafeBufferPointer { b in scratch.withUnsafeMutableBufferPointer { down.process(b, into: $0) } }
            }
            return total
        }
    }

    // Pipeline: A→B and B→A, one packet each per frame, arriving 20 ms apart. The pipelines
    // live across runs (sequence numbers and timestamps keep counting): steady state only.
    let toB = try TranscodingPipeline(decoder: makeCodec(aFormat, preferred: nil), encoder: makeCodec(bFormat, preferred: bProbe.sampleRate))
    let toA = try TranscodingPipeline(decoder: makeCodec(bFormat, preferred: bProbe.sampleRate), encoder: makeCodec(aFormat, preferred: nil))
    var round = 0
    let pipeline = measure(frames: frames) {
        var total = 0
        let count: (TranscodingPipeline.OutputPacket) -> Void = { total += $0.payload.count }
        for index in 0..<frames {
            let packet = round * frames + index
            let arrival = UInt64(packet) * 20_000_000
            aPayloads[index].withUnsafeBytes {
                toB.receive(payload: $0, sequenceNumber: UInt16(truncatingIfNeeded: packet), timestamp: UInt32(truncatingIfNeeded: packet) &* aStep, marker: packet == 0, arrival: arrival, emit: count)
            }
            bPayloads[index].withUnsafeBytes {
                toA.receive(payload: $0, sequenceNumber: UInt16(truncatingIfNeeded: packet), timestamp: UInt32(truncatingIfNeeded: packet) &* bStep, marker: packet == 0, arrival: arrival, emit: count)
            }
        }
        round += 1
        return total
    }
    guard toB.statistics.concealments == 0, toA.statistics.concealments == 0, toB.statistics.packetsEmitted == (round * frames) else {
        fatalError("benchmark stream was not clean: \(toB.statistics) \(toA.statistics)")
    }
    let ratio = pipeline.micros / raw.micros
    let opusNote = aFormat.normalizedName == "opus" || bFormat.normalizedName == "opus" ? "  [Opus complexity \(opusSettings.opusComplexity), \(opusSettings.opusDefaultBitrate / 1000) kbit/s, PCM at \(bProbe.sampleRate) Hz]" : ""
    print("\(label)\(opusNote)")
    print(String(format: "  raw codec (decode+encode, both directions)  %8.2f µs/frame", raw.micros))
    if resample.micros > 0 {
        print(String(format: "  resampling alone (%d⇄%d Hz, both directions)  %8.2f µs/frame", aProbe.sampleRate, bProbe.sampleRate, resample.micros))
        print(String(format: "  raw codec + resampling                        %8.2f µs/frame  (pipeline/that = %.2f×)", raw.micros + resample.micros, pipeline.micros / (raw.micros + resample.micros)))
    }
    print(String(format: "  full pipeline (both directions)               %8.2f µs/frame  %.3f allocations/frame", pipeline.micros, pipeline.allocations))
    print(String(format: "  ratio pipeline/raw codec                      %8.2f×   CPU per call: %.2f%% of a core", ratio, pipeline.micros / 20_000 * 100))
    return label.prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces) + String(format: " %.2f×", ratio)
}

print("load average: \(((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " "))")
print("per 20 ms frame of one call = one packet each way; fastest of 5 runs over \(frames) frames (\(Int(seconds)) s of speech)\n")
var ratios: [String] = []
ratios.append(try benchmark("PCMU ⇄ Opus (Opus decodes/encodes at 8 kHz: no resampler)", a: .pcmu, b: .opus, bRate: nil))
ratios.append(try benchmark("PCMU ⇄ Opus at 48 kHz (resampler 8⇄48 kHz in the pipeline)", a: .pcmu, b: .opus, bRate: 48000))
ratios.append(try benchmark("PCMU ⇄ G.722 (resampler 8⇄16 kHz in the pipeline)", a: .pcmu, b: .g722, bRate: nil))
ratios.append(try benchmark("PCMA ⇄ PCMU", a: .pcma, b: .pcmu, bRate: nil))

// G.711 coding: Transcoding's lookup tables against spandsp's block coder (µ-law, 160 samples
// encoded and decoded per frame).
do {
    let pcm = speech(rate: 8000, seconds: 0.02)
    var payload = [UInt8](repeating: 0, count: 160), decoded = [Int16](repeating: 0, count: 160)
    let codec = G711Codec(law: .ulaw)
    let n = 20000
    let tables = try measure(frames: n) {
        var total = 0
        for _ in 0..<n {
            total += try pcm.withUnsafeBufferPointer { p in try payload.withUnsafeMutableBytes { try codec.encode(p, into: $0) } }
            total += try payload.withUnsafeBytes { p in try decoded.withUnsafeMutableBufferPointer { try codec.decode(p, into: $0) } }
        }
        return total
    }
    guard let state = g711_init(nil, Int32(G711_ULAW)) else { fatalError("g711_init") }
    defer { g711_free(state) }
    let spandsp = measure(frames: n) {
        var total = 0
        for _ in 0..<n {
            total += Int(g711_encode(state, &payload, pcm, 160))
            total += Int(g711_decode(state, &decoded, payload, 160))
        }
        return total
    }
    print(String(format: "\nG.711 µ-law encode+decode of 20 ms: Swift tables %.3f µs (with PLC history), spandsp g711_encode/decode %.3f µs", tables.micros, spandsp.micros))
}
print("\nsummary: " + ratios.joined(separator: "; "))
