// RTPCore micro-benchmark: CPU time and heap allocations per packet for the relay's
// per-packet steps. Run with scripts/bench-rtpcore/run (it builds this in release against a
// copy of Sources/RTPCore, with a malloc-counting LD_PRELOAD library).
import Foundation
import NIOCore
import RTPCore

/// Runs `body(iterations)` 7 times; prints the fastest run's thread-CPU ns per iteration.
func measure(_ name: String, iterations: Int, _ body: (Int) throws -> UInt64) rethrows {
    let run = try fastestRun(runs: 7, per: iterations) { try body(iterations) }
    print(name.padding(toLength: 56, withPad: " ", startingAt: 0) + String(format: "%7.1f ns CPU  %.3f allocations", run.nanoseconds, run.allocations))
}

// 172-byte PCMU packet: 12-byte header + 160 payload.
var packet = ByteBuffer()
try RTPPacketBuilder(payloadType: 0, sequenceNumber: 1, timestamp: 160, ssrc: 0x1234).write(payload: [UInt8](repeating: 0xFF, count: 160), to: &packet)
let n = 2_000_000

try measure("RTP parse, ByteBuffer (+ setInteger to vary it)", iterations: n) { n in
    var sum: UInt64 = 0
    for i in 0..<n {
        packet.setInteger(UInt16(truncatingIfNeeded: i), at: packet.readerIndex + 2)  // defeat hoisting
        let header = try packet.rtpHeader()
        sum &+= UInt64(header.sequenceNumber) &+ UInt64(header.payloadRange.count)
    }
    return sum
}
measure("RTP parse, raw pointer", iterations: n) { n in
    var sum: UInt64 = 0
    var raw = Array(packet.readableBytesView)
    raw.withUnsafeMutableBytes { bytes in
        for i in 0..<n {
            bytes[3] = UInt8(truncatingIfNeeded: i)
            if let header = try? RTPHeader(parsing: UnsafeRawBufferPointer(bytes)) {
                sum &+= UInt64(header.sequenceNumber) &+ UInt64(header.payloadRange.count)
            }
        }
    }
    return sum
}
measure("RTP rewrite SSRC+seq+ts in place, ByteBuffer", iterations: n) { n in
    for i in 0..<n {
        packet.rewriteRTPHeader(ssrc: UInt32(truncatingIfNeeded: i), sequenceNumber: UInt16(truncatingIfNeeded: i), timestamp: UInt32(truncatingIfNeeded: i))
    }
    return UInt64(packet.getInteger(at: 2, as: UInt16.self) ?? 0)
}
measure("StreamContinuity.map", iterations: n) { n in
    var continuity = StreamContinuity(configuration: .init(ssrc: 0xABCD, clockRate: 8000, firstSequenceNumber: 100, firstTimestamp: 1000))
    var sum: UInt64 = 0
    for i in 0..<n {
        sum &+= UInt64(continuity.map(ssrc: 5, sequenceNumber: UInt16(truncatingIfNeeded: i), timestamp: UInt32(truncatingIfNeeded: i &* 160), arrivalNanoseconds: UInt64(i) &* 20_000_000).timestamp)
    }
    return sum
}
try measure("relay step: parse + map + rewrite, ByteBuffer", iterations: n) { n in
    var continuity = StreamContinuity(configuration: .init(ssrc: 0xABCD, clockRate: 8000, firstSequenceNumber: 100, firstTimestamp: 1000))
    var sum: UInt64 = 0
    for i in 0..<n {
        // Restore a fresh incoming header (the socket would deliver one).
        packet.rewriteRTPHeader(ssrc: 0x1234, sequenceNumber: UInt16(truncatingIfNeeded: i), timestamp: UInt32(truncatingIfNeeded: i &* 160))
        let header = try packet.rtpHeader()
        let m = continuity.map(ssrc: header.ssrc, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, arrivalNanoseconds: UInt64(i) &* 20_000_000)
        packet.rewriteRTPHeader(ssrc: m.ssrc, sequenceNumber: m.sequenceNumber, timestamp: m.timestamp, marker: m.startsNewSource ? true : nil)
        sum &+= UInt64(header.payloadRange.count)
    }
    return sum
}
var stats = RTPReceptionStatistics(firstSequenceNumber: 0)
measure("RTPReceptionStatistics seq + jitter", iterations: n) { n in
    for i in 0..<n {
        _ = stats.receive(sequenceNumber: UInt16(truncatingIfNeeded: i))
        stats.receive(timestamp: UInt32(truncatingIfNeeded: i &* 160), arrival: UInt32(truncatingIfNeeded: i &* 160 &+ (i & 7)))
    }
    return UInt64(stats.jitter)
}

struct Map: RTCPRewriting {
    mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32? { ssrc ^ 0xFFFF }
    mutating func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32? { timestamp &+ 1 }
}
var rtcp = ByteBuffer(bytes: [0x81, 200, 0, 12] + [UInt8](repeating: 1, count: 48) + [0x81, 202, 0, 3, 0, 0, 0, 1, 1, 5] + Array("abcde".utf8) + [0])
var map = Map()
try measure("RTCP SR(1 block)+SDES validate + rewrite, ByteBuffer", iterations: n / 4) { n in
    var sum: UInt64 = 0
    for _ in 0..<n { sum &+= UInt64(try rtcp.rewriteRTCP(with: &map)) }
    return sum
}
print("sink", sink)
