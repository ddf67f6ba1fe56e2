import Transcoding

/// An incoming RTP packet for the pipeline tests.
struct TestPacket {
    var payload: [UInt8]
    var sequenceNumber: UInt16
    var timestamp: UInt32
    var marker = false
}

/// An emitted packet, copied out of the pipeline.
struct EmittedPacket: Equatable {
    var payload: [UInt8]
    var timestamp: UInt32
    var sequenceNumber: UInt16
    var marker: Bool
}

/// Numbered packets from payloads: sequence from `firstSequence`, timestamps stepping `step`.
func rtpPackets(_ payloads: [[UInt8]], step: Int, firstSequence: UInt16 = 1000, firstTimestamp: UInt32 = 50000) -> [TestPacket] {
    payloads.enumerated().map { index, payload in
        TestPacket(payload: payload, sequenceNumber: firstSequence &+ UInt16(index), timestamp: firstTimestamp &+ UInt32(index * step), marker: index == 0)
    }
}

extension TranscodingPipeline {
    /// Feeds `packets` arriving `spacing` ns apart (or at the given times), polls every 5 ms
    /// of virtual time, flushes at the end, and returns what came out.
    func run(_ packets: [TestPacket], arrivals: [UInt64]? = nil, spacing: UInt64 = 20_000_000) -> [EmittedPacket] {
        var emitted: [EmittedPacket] = []
        let collect: (OutputPacket) -> Void = { emitted.append(EmittedPacket(payload: Array($0.payload), timestamp: $0.timestamp, sequenceNumber: $0.sequenceNumber, marker: $0.marker)) }
        let times = arrivals ?? packets.indices.map { UInt64($0) * spacing }
        let order = times.indices.sorted { times[$0] < times[$1] }
        var now: UInt64 = 0
        for index in order {
            while now + 5_000_000 < times[index] {
                now += 5_000_000
                poll(now: now, emit: collect)
            }
            now = max(now, times[index])
            let packet = packets[index]
            packet.payload.withUnsafeBytes {
                receive(payload: $0, sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, marker: packet.marker, arrival: now, emit: collect)
            }
        }
        flush(now: now + 1_000_000_000, emit: collect)
        return emitted
    }
}
