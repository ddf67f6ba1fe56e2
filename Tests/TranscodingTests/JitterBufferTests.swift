import Testing
@testable import Transcoding

@Suite struct JitterBufferTests {
    static let ms: UInt64 = 1_000_000

    func insert(_ buffer: inout JitterBuffer, _ seq: UInt16, at time: UInt64, byte: UInt8? = nil) -> JitterBuffer.InsertResult {
        let payload = [byte ?? UInt8(truncatingIfNeeded: seq)]
        return payload.withUnsafeBytes { buffer.insert(sequenceNumber: seq, timestamp: UInt32(seq) &* 160, marker: false, payload: $0, arrival: time) }
    }

    /// Releases everything available at `now`: "p<seq>" for packets, "L<count>" for losses.
    func drain(_ buffer: inout JitterBuffer, now: UInt64, force: Bool = false) -> [String] {
        var events: [String] = []
        while let output = buffer.next(now: now, force: force) {
            switch output {
            case .packet(let packet):
                let byte = buffer.withPayload(packet) { $0.first }
                #expect(byte == UInt8(truncatingIfNeeded: packet.sequenceNumber))
                events.append("p\(packet.sequenceNumber)")
            case .lost(let count, _): events.append("L\(count)")
            }
        }
        return events
    }

    @Test func inOrderPacketsLeaveAtOnce() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        for seq in UInt16(10)..<15 {
            #expect(insert(&buffer, seq, at: UInt64(seq) * 20 * Self.ms) == .stored)
            #expect(drain(&buffer, now: UInt64(seq) * 20 * Self.ms) == ["p\(seq)"])
        }
        #expect(buffer.count == 0 && buffer.nextDeadline == nil)
    }

    @Test func inOrderFastPathAccountsLikeInsertAndNext() {
        var fast = JitterBuffer(configuration: .init(clockRate: 8000))
        var slow = JitterBuffer(configuration: .init(clockRate: 8000))
        for seq in UInt16(10)..<15 {
            let time = UInt64(seq) * 21 * Self.ms
            let accepted = fast.acceptInOrder(sequenceNumber: seq, timestamp: UInt32(seq) &* 160, payloadCount: 1, arrival: time)
            #expect(accepted)
            _ = insert(&slow, seq, at: time)
            #expect(drain(&slow, now: time) == ["p\(seq)"])
        }
        #expect(fast.statistics == slow.statistics && fast.jitter == slow.jitter && fast.count == 0)
        // A gap: refused (the packet must wait in the buffer); so is anything while one waits.
        let accepted1 = fast.acceptInOrder(sequenceNumber: 16, timestamp: 16 * 160, payloadCount: 1, arrival: 16 * 21 * Self.ms)
        #expect(!accepted1)
        _ = insert(&fast, 16, at: 16 * 21 * Self.ms)
        let accepted2 = fast.acceptInOrder(sequenceNumber: 15, timestamp: 15 * 160, payloadCount: 1, arrival: 16 * 21 * Self.ms)
        #expect(!accepted2)
        #expect(insert(&fast, 15, at: 16 * 21 * Self.ms) == .stored)
        #expect(drain(&fast, now: 16 * 21 * Self.ms) == ["p15", "p16"])
        // A duplicate of what the fast path took is late, as after insert and next.
        let accepted3 = fast.acceptInOrder(sequenceNumber: 14, timestamp: 14 * 160, payloadCount: 1, arrival: 17 * 21 * Self.ms)
        #expect(!accepted3)
        #expect(insert(&fast, 14, at: 17 * 21 * Self.ms) == .late)
        // Oversized: refused, so that insert counts it.
        let accepted4 = fast.acceptInOrder(sequenceNumber: 17, timestamp: 17 * 160, payloadCount: 5000, arrival: 17 * 21 * Self.ms)
        #expect(!accepted4)
    }

    @Test func reorderedPacketsComeOutInOrder() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        _ = insert(&buffer, 1, at: 0)
        #expect(drain(&buffer, now: 0) == ["p1"])
        _ = insert(&buffer, 3, at: 40 * Self.ms)
        #expect(drain(&buffer, now: 40 * Self.ms) == [], "3 waits for 2")
        #expect(buffer.nextDeadline == 40 * Self.ms + buffer.currentWait)
        _ = insert(&buffer, 2, at: 45 * Self.ms)
        #expect(drain(&buffer, now: 45 * Self.ms) == ["p2", "p3"])
        #expect(buffer.statistics.reordered == 1 && buffer.statistics.lost == 0)
    }

    @Test func aGapIsDeclaredLostOnlyAfterTheWait() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        _ = insert(&buffer, 100, at: 0)
        _ = drain(&buffer, now: 0)
        _ = insert(&buffer, 103, at: 60 * Self.ms)
        _ = insert(&buffer, 104, at: 80 * Self.ms)
        let wait = buffer.currentWait
        #expect(wait == buffer.configuration.minimumWait, "no jitter measured yet: the minimum wait")
        #expect(drain(&buffer, now: 60 * Self.ms + wait - 1) == [])
        #expect(drain(&buffer, now: 60 * Self.ms + wait) == ["L2", "p103", "p104"])
        #expect(buffer.statistics.lost == 2)
        // The lost packets arriving afterwards are late.
        #expect(insert(&buffer, 101, at: 100 * Self.ms) == .late)
        #expect(insert(&buffer, 104, at: 100 * Self.ms) == .late)
        #expect(buffer.statistics.late == 2)
    }

    @Test func duplicatesAreDropped() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        _ = insert(&buffer, 1, at: 0)
        _ = insert(&buffer, 3, at: 1)
        #expect(insert(&buffer, 3, at: 2) == .duplicate)
        #expect(buffer.statistics.duplicates == 1)
    }

    @Test func waitFollowsMeasuredJitterWithinBounds() {
        var steady = JitterBuffer(configuration: .init(clockRate: 8000))
        var jittery = JitterBuffer(configuration: .init(clockRate: 8000))
        for seq in UInt16(0)..<200 {
            let nominal = UInt64(seq) * 20 * Self.ms
            _ = insert(&steady, seq, at: nominal)
            _ = drain(&steady, now: nominal)
            // Every other packet 15 ms late (still in order).
            let jittered = nominal + (seq % 2 == 0 ? 0 : 15 * Self.ms)
            _ = insert(&jittery, seq, at: jittered)
            _ = drain(&jittery, now: jittered)
        }
        #expect(steady.jitter < 1_000)
        #expect(steady.currentWait == steady.configuration.minimumWait)
        #expect(jittery.jitter > 10 * Double(Self.ms), "jitter \(jittery.jitter / 1e6) ms")
        #expect(jittery.currentWait > 30 * Self.ms && jittery.currentWait <= jittery.configuration.maximumWait)
    }

    @Test func farAheadAndRestart() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        _ = insert(&buffer, 1, at: 0)
        _ = drain(&buffer, now: 0)
        #expect(insert(&buffer, 40, at: 1) == .tooFarAhead, "beyond the 32 slots")
        // A jump beyond MAX_DROPOUT needs a second packet in sequence to be believed.
        #expect(insert(&buffer, 20000, at: 2) == .late)
        #expect(insert(&buffer, 20001, at: 3) == .restarted)
        #expect(drain(&buffer, now: 3) == ["p20001"])
        #expect(buffer.statistics.restarts == 1)
    }

    @Test func forceReleasesAGapAtOnce() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        _ = insert(&buffer, 65534, at: 0)
        _ = drain(&buffer, now: 0)
        _ = insert(&buffer, 1, at: 1)  // across the wrap: 65535 and 0 missing
        #expect(drain(&buffer, now: 1, force: true) == ["L2", "p1"])
    }

    @Test func oversizedPayloadIsRefused() {
        var buffer = JitterBuffer(configuration: .init(clockRate: 8000))
        let big = [UInt8](repeating: 0, count: 2000)
        let result = big.withUnsafeBytes { buffer.insert(sequenceNumber: 1, timestamp: 0, marker: false, payload: $0, arrival: 0) }
        #expect(result == .oversized)
    }
}
