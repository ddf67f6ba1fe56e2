import RTPCore
import Testing

@Suite struct StreamContinuityTests {
    static let ms: UInt64 = 1_000_000

    func makeContinuity() -> StreamContinuity {
        StreamContinuity(configuration: .init(ssrc: 0xFEED_0001, clockRate: 8000, firstSequenceNumber: 65534, firstTimestamp: 4_294_967_000))
    }

    @Test func firstSourceStartsAtConfiguredValuesAndRunsWithOffsets() {
        var continuity = makeContinuity()
        let first = continuity.map(ssrc: 7, sequenceNumber: 500, timestamp: 80_000, arrivalNanoseconds: 0)
        #expect(first == .init(ssrc: 0xFEED_0001, sequenceNumber: 65534, timestamp: 4_294_967_000, startsNewSource: true))
        var outputs: [StreamContinuity.Mapping] = []
        for index in 1...3 {
            outputs.append(continuity.map(
                ssrc: 7, sequenceNumber: 500 + UInt16(index), timestamp: 80_000 + UInt32(index * 160),
                arrivalNanoseconds: UInt64(index) * 20 * Self.ms))
        }
        // Sequence and timestamp both wrap on the way.
        #expect(outputs.map(\.sequenceNumber) == [65535, 0, 1])
        #expect(outputs.map(\.timestamp) == [4_294_967_160, 24, 184])
        #expect(outputs.allSatisfy { !$0.startsNewSource && $0.ssrc == 0xFEED_0001 })
    }

    @Test func lossGapsAndReorderingPassThroughUnchanged() {
        var continuity = makeContinuity()
        _ = continuity.map(ssrc: 7, sequenceNumber: 10, timestamp: 1000, arrivalNanoseconds: 0)
        let afterGap = continuity.map(ssrc: 7, sequenceNumber: 15, timestamp: 1800, arrivalNanoseconds: 100 * Self.ms)
        #expect(afterGap.sequenceNumber == 65534 &+ 5)
        #expect(afterGap.timestamp == 4_294_967_000 &+ 800)
        let late = continuity.map(ssrc: 7, sequenceNumber: 12, timestamp: 1320, arrivalNanoseconds: 101 * Self.ms)
        #expect(late.sequenceNumber == 65534 &+ 2)
        #expect(late.timestamp == 4_294_967_000 &+ 320)
        #expect(!late.startsNewSource)
        // A silence-suppression timestamp jump with contiguous sequence numbers is kept.
        let talkspurt = continuity.map(ssrc: 7, sequenceNumber: 16, timestamp: 1800 + 80_000, arrivalNanoseconds: 10_000 * Self.ms)
        #expect(talkspurt.timestamp == 4_294_967_000 &+ 80_800)
        #expect(continuity.sourceCount == 1)
    }

    @Test func newSSRCContinuesSequenceAndAdvancesTimestampByWallClock() {
        var continuity = makeContinuity()
        _ = continuity.map(ssrc: 7, sequenceNumber: 100, timestamp: 0, arrivalNanoseconds: 0)
        let last = continuity.map(ssrc: 7, sequenceNumber: 101, timestamp: 160, arrivalNanoseconds: 20 * Self.ms)
        // Early media ends; the answering device starts 300 ms later with its own numbering.
        let switched = continuity.map(ssrc: 99, sequenceNumber: 40_000, timestamp: 123_456_789, arrivalNanoseconds: 320 * Self.ms)
        #expect(switched.startsNewSource)
        #expect(switched.ssrc == 0xFEED_0001)
        #expect(switched.sequenceNumber == last.sequenceNumber &+ 1)
        #expect(switched.timestamp == last.timestamp &+ 2400)
        let next = continuity.map(ssrc: 99, sequenceNumber: 40_001, timestamp: 123_456_949, arrivalNanoseconds: 340 * Self.ms)
        #expect(next.sequenceNumber == switched.sequenceNumber &+ 1)
        #expect(next.timestamp == switched.timestamp &+ 160)
        #expect(!next.startsNewSource)
        #expect(continuity.sourceCount == 2)
        #expect(continuity.currentSourceSSRC == 99)
        #expect(continuity.outgoingTimestamp(for: 123_456_789, ssrc: 99) == switched.timestamp)
        #expect(continuity.outgoingTimestamp(for: 0, ssrc: 7) == nil)
        #expect(continuity.incomingSequenceNumber(forOutgoing: next.sequenceNumber) == 40_001)
    }

    @Test(arguments: [
        (UInt64(0), UInt32(160)),  // simultaneous: at least one 20 ms frame
        (5, 160),
        (100, 800),
        (60_000, 80_000),  // a minute of silence is capped at 10 s
    ] as [(UInt64, UInt32)])
    func switchTimestampStepIsClamped(_ gapMilliseconds: UInt64, _ step: UInt32) {
        var continuity = makeContinuity()
        let last = continuity.map(ssrc: 1, sequenceNumber: 1, timestamp: 1, arrivalNanoseconds: 1_000 * Self.ms)
        let switched = continuity.map(
            ssrc: 2, sequenceNumber: 9, timestamp: 9, arrivalNanoseconds: (1_000 + gapMilliseconds) * Self.ms)
        #expect(switched.timestamp == last.timestamp &+ step)
    }

    @Test func explicitSwitchWithSameSSRC() {
        var continuity = makeContinuity()
        _ = continuity.map(ssrc: 7, sequenceNumber: 100, timestamp: 0, arrivalNanoseconds: 0)
        let last = continuity.map(ssrc: 7, sequenceNumber: 101, timestamp: 160, arrivalNanoseconds: 20 * Self.ms)
        continuity.sourceWillChange()
        // Same SSRC, numbering that would otherwise look like a small step back.
        let switched = continuity.map(ssrc: 7, sequenceNumber: 90, timestamp: 5, arrivalNanoseconds: 40 * Self.ms)
        #expect(switched.startsNewSource)
        #expect(switched.sequenceNumber == last.sequenceNumber &+ 1)
        #expect(switched.timestamp == last.timestamp &+ 160)
    }

    @Test func sequenceJumpWithinOneSSRCReanchors() {
        var continuity = makeContinuity()
        _ = continuity.map(ssrc: 7, sequenceNumber: 100, timestamp: 0, arrivalNanoseconds: 0)
        let last = continuity.map(ssrc: 7, sequenceNumber: 101, timestamp: 160, arrivalNanoseconds: 20 * Self.ms)
        let jumped = continuity.map(ssrc: 7, sequenceNumber: 101 + 3000, timestamp: 9_999_999, arrivalNanoseconds: 40 * Self.ms)
        #expect(jumped.startsNewSource)
        #expect(jumped.sequenceNumber == last.sequenceNumber &+ 1)
        let backwards = continuity.map(ssrc: 7, sequenceNumber: 101 + 3000 - 200, timestamp: 0, arrivalNanoseconds: 60 * Self.ms)
        #expect(backwards.startsNewSource, "a step back past the misorder window is a restart too")
        #expect(backwards.sequenceNumber == jumped.sequenceNumber &+ 1)
    }

    @Test func outgoingSequenceIsContiguousAcrossManySwitches() {
        var continuity = makeContinuity()
        var previous: StreamContinuity.Mapping?
        var time: UInt64 = 0
        for source in UInt32(1)...5 {
            let base = UInt16(truncatingIfNeeded: source * 13_001)
            for step in 0..<50 {
                time += 20 * Self.ms
                let mapping = continuity.map(
                    ssrc: source, sequenceNumber: base &+ UInt16(step), timestamp: source &* 77_777 &+ UInt32(step * 160),
                    arrivalNanoseconds: time)
                if let previous {
                    #expect(mapping.sequenceNumber == previous.sequenceNumber &+ 1)
                    #expect(mapping.timestamp == previous.timestamp &+ 160)
                }
                previous = mapping
            }
        }
        #expect(continuity.sourceCount == 5)
    }
}
