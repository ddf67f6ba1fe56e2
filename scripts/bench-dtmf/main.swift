// DTMF micro-benchmark: CPU time and heap allocations per operation. Run with
// scripts/bench-dtmf/run (release build against copies of the sources, malloc-counting preload).
import DTMF
import Foundation
import NIOCore
import RTPCore

/// Runs `body(iterations)` 5 times; prints the fastest run's thread-CPU ns per iteration.
func measure(_ name: String, iterations: Int, _ body: (Int) throws -> UInt64) rethrows {
    let run = try fastestRun(runs: 5, per: iterations) { try body(iterations) }
    print(name.padding(toLength: 60, withPad: " ", startingAt: 0) + String(format: "%9.1f ns CPU  %.3f allocations", run.nanoseconds, run.allocations))
}

// One RFC 4733 digit: 9 updates and 3 end packets, 20 ms apart, as whole RTP packets.
func digitPackets(timestamp: UInt32) -> [[UInt8]] {
    var packets: [[UInt8]] = []
    for index in 0..<12 {
        let end = index >= 9
        let duration = UInt16(min(index + 1, 10) * 160)
        var buffer = ByteBuffer()
        let packet = TelephoneEventPacket(payloadType: 101, marker: index == 0, timestamp: timestamp,
                                          payload: .init(event: 5, isEnd: end, volume: 10, duration: duration))
        _ = try? packet.write(to: &buffer, sequenceNumber: UInt16(index), ssrc: 7)
        packets.append(Array(buffer.readableBytesView))
    }
    return packets
}
let stream = digitPackets(timestamp: 8000)

measure("RFC 4733 receiver, per packet (12-packet digits)", iterations: 100_000) { n in
    var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000))
    var sum: UInt64 = 0
    var copy = stream
    for i in 0..<(n / 12) {
        for index in copy.indices {  // indices, not enumerated(): no copy of `copy` while mutating it
            // New event timestamp for each digit.
            copy[index][4] = UInt8(truncatingIfNeeded: i >> 8)
            copy[index][5] = UInt8(truncatingIfNeeded: i)
            copy[index][7] = 0
        }
        for (index, packet) in copy.enumerated() {
            let arrival = NIODeadline.uptimeNanoseconds(UInt64(i * 1_000_000_000 + index * 20_000_000))
            let events = packet.withUnsafeBytes { try? receiver.receive(packet: $0, arrival: arrival) }
            sum &+= UInt64(events?.count ?? 0)
        }
    }
    return sum
}

measure("RFC 4733 sender, per tick incl. in-place write (200 ms digits)", iterations: 100_000) { n in
    var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: 8000))
    var slot = [UInt8](repeating: 0, count: 64)
    var sum: UInt64 = 0
    var timestamp: UInt32 = 0
    slot.withUnsafeMutableBytes { bytes in
        for i in 0..<n {
            if sender.isIdle { sender.enqueue(.one, duration: .milliseconds(200)) }
            for packet in sender.tick(timestamp: timestamp) {
                sum &+= UInt64(packet.write(into: bytes, sequenceNumber: UInt16(truncatingIfNeeded: i), ssrc: 1))
            }
            timestamp &+= 160
        }
    }
    return sum
}

let relayBody = Array("Signal=1\r\nDuration=250\r\n".utf8)
measure("INFO application/dtmf-relay parse", iterations: 200_000) { n in
    var sum: UInt64 = 0
    for _ in 0..<n {
        if let body = try? DTMFInfoBody.parse(relayBody, contentType: .dtmfRelay) { sum &+= UInt64(body.durationMilliseconds) }
    }
    return sum
}

// 20 ms frames: a speech-band mix, and a DTMF tone from the generator.
let speech: [Int16] = (0..<160).map { Int16(3000 * sin(Double($0) * 0.3) + 2000 * sin(Double($0) * 0.71)) }
var toneFrame = [Int16](repeating: 0, count: 160)
if let generator = InBandDTMFGenerator() {
    generator.enqueue(.five, milliseconds: 1000)
    generator.fill(&toneFrame)
}
for (name, frame) in [("speech", speech), ("tone", toneFrame)] {
    measure("in-band detector, per 20 ms frame (\(name))", iterations: 20_000) { n in
        guard let detector = InBandDTMFDetector() else { return 0 }
        var sum: UInt64 = 0
        frame.withUnsafeBufferPointer { samples in
            for i in 0..<n {
                sum &+= UInt64(detector.process(samples, at: .uptimeNanoseconds(UInt64(i) * 20_000_000)).count)
            }
        }
        return sum
    }
}
measure("in-band generator, per 20 ms frame", iterations: 20_000) { n in
    guard let generator = InBandDTMFGenerator() else { return 0 }
    var frame = [Int16](repeating: 0, count: 160)
    var sum: UInt64 = 0
    for _ in 0..<n {
        if !generator.isActive { generator.enqueue(.nine, milliseconds: 200) }
        if generator.fill(&frame) { sum &+= UInt64(bitPattern: Int64(frame[17])) }
    }
    return sum
}
measure("tone remover (2-frame lookahead), per 20 ms frame", iterations: 200_000) { n in
    var remover = InBandToneRemover()
    var frame = speech
    var sum: UInt64 = 0
    for i in 0..<n {
        remover.process(&frame, toneActive: i % 50 < 5)
        sum &+= UInt64(bitPattern: Int64(frame[3]))
    }
    return sum
}
