import RTPCore
import Testing

/// Packets the relay inserts itself (RFC 4733 events) take sequence numbers from the stream,
/// and the relayed audio continues after them.
@Suite struct StreamContinuityInsertionTests {
    static let ms: UInt64 = 1_000_000

    @Test func insertedPacketsTakeTheNextSequenceNumbersAndAudioResumesPastThem() {
        var continuity = StreamContinuity(configuration: .init(ssrc: 1, clockRate: 8000, firstSequenceNumber: 100, firstTimestamp: 50_000))
        for index in 0..<3 {
            _ = continuity.map(ssrc: 9, sequenceNumber: UInt16(10 + index), timestamp: UInt32(index * 160), arrivalNanoseconds: (1000 + UInt64(index) * 20) * Self.ms)
        }
        // The last audio left at 1040 ms with timestamp 50_320; an event starts 20 ms later.
        #expect(continuity.projectedTimestamp(atNanoseconds: 1060 * Self.ms) == 50_480)
        let eventTimestamp: UInt32 = 50_480
        var sequenceNumbers: [UInt16] = []
        for tick in 0..<7 {
            let position = eventTimestamp &+ UInt32((tick + 1) * 160)
            sequenceNumbers.append(continuity.insertPacket(clockPosition: position, arrivalNanoseconds: (1060 + UInt64(tick) * 20) * Self.ms))
        }
        #expect(sequenceNumbers == Array(103...109))
        // Audio held back during the event resumes after it: next sequence number, a timestamp
        // past the event's end, the marker of a new talkspurt.
        let resumed = continuity.map(ssrc: 9, sequenceNumber: 20, timestamp: 1600, arrivalNanoseconds: 1200 * Self.ms)
        #expect(resumed.sequenceNumber == 110)
        #expect(resumed.startsNewSource)
        #expect(resumed.timestamp == eventTimestamp &+ 7 * 160 &+ 160, "clock position plus 20 ms since the last inserted packet")
        let next = continuity.map(ssrc: 9, sequenceNumber: 21, timestamp: 1760, arrivalNanoseconds: 1220 * Self.ms)
        #expect(next.sequenceNumber == 111 && next.timestamp == resumed.timestamp &+ 160 && !next.startsNewSource)
    }

    @Test func anEventBeforeAnyAudioDoesNotResetTheClockAfterIt() {
        var continuity = StreamContinuity(configuration: .init(ssrc: 1, clockRate: 8000, firstSequenceNumber: 7, firstTimestamp: 1000))
        #expect(continuity.projectedTimestamp(atNanoseconds: 5 * Self.ms) == 1000)
        #expect(continuity.insertPacket(clockPosition: 1160, arrivalNanoseconds: 5 * Self.ms) == 7)
        #expect(continuity.insertPacket(clockPosition: 1320, arrivalNanoseconds: 25 * Self.ms) == 8)
        let audio = continuity.map(ssrc: 3, sequenceNumber: 500, timestamp: 9, arrivalNanoseconds: 45 * Self.ms)
        #expect(audio.sequenceNumber == 9)
        #expect(audio.timestamp == 1480, "after the event, not back at the first timestamp")
    }
}
