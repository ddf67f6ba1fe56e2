import RTPCore
import Testing

@Suite struct RTPReceptionStatisticsTests {
    typealias Verdict = RTPReceptionStatistics.Verdict

    func feed(_ statistics: inout RTPReceptionStatistics, _ sequence: [UInt16]) -> [Verdict] {
        sequence.map { statistics.receive(sequenceNumber: $0) }
    }

    @Test func newSourcePassesProbationAfterTwoInSequence() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 1000)
        #expect(!statistics.isValid)
        #expect(feed(&statistics, [1000, 1001, 1002]) == [.probation, .accepted, .accepted])
        #expect(statistics.isValid)
        #expect(statistics.received == 2)
        #expect(statistics.expected == 2)
        #expect(statistics.cumulativeLost == 0)
    }

    @Test func outOfOrderDuringProbationRestartsIt() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 10)
        #expect(feed(&statistics, [10, 12, 13, 14]) == [.probation, .probation, .accepted, .accepted])
    }

    @Test func wrapAroundCountsACycle() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 65534)
        #expect(feed(&statistics, [65534, 65535, 0, 1]) == [.probation, .accepted, .accepted, .accepted])
        #expect(statistics.extendedHighestSequenceNumber == 65536 + 1)
        #expect(statistics.expected == 3)
        #expect(statistics.cumulativeLost == 0)
    }

    @Test func lossAndFractionPerInterval() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 0)
        _ = feed(&statistics, [0, 1])
        #expect(statistics.closeInterval() == 0)
        // 2..9 expected (8), 2 lost: fraction 2/8 = 64/256.
        let verdicts = feed(&statistics, [2, 3, 5, 6, 7, 9])
        #expect(verdicts.allSatisfy { $0 == .accepted })
        #expect(statistics.cumulativeLost == 2)
        #expect(statistics.closeInterval() == 64)
        #expect(statistics.closeInterval() == 0, "an empty interval reports no loss")
    }

    @Test func duplicatesAndLatePacketsAreReordered() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 100)
        _ = feed(&statistics, [100, 101, 102, 104])
        #expect(feed(&statistics, [103, 104]) == [.reordered, .reordered])
        #expect(statistics.extendedHighestSequenceNumber == 104)
        // Duplicates make cumulative loss negative, as RFC 3550 §6.4.1 allows.
        #expect(statistics.cumulativeLost == -1)
    }

    @Test func largeJumpNeedsConfirmationThenRestarts() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 100)
        _ = feed(&statistics, [100, 101, 102])
        #expect(feed(&statistics, [30000]) == [.badSequence])
        #expect(statistics.extendedHighestSequenceNumber == 102)
        #expect(feed(&statistics, [30001, 30002]) == [.restarted, .accepted])
        #expect(statistics.received == 2)
        #expect(statistics.expected == 2)
    }

    @Test func largeJumpNotConfirmedIsIgnored() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 100)
        _ = feed(&statistics, [100, 101])
        #expect(feed(&statistics, [50000, 102, 103]) == [.badSequence, .accepted, .accepted])
        #expect(statistics.extendedHighestSequenceNumber == 103)
    }

    @Test func jumpJustUnderDropoutIsLoss() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 0)
        _ = feed(&statistics, [0, 1])
        #expect(feed(&statistics, [1 + 2999]) == [.accepted])
        #expect(statistics.cumulativeLost == 2998)
        #expect(feed(&statistics, [3000 + 3000]) == [.badSequence])
    }

    @Test func jitterFollowsAppendixA8() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 0)
        // Perfectly paced: transit constant, jitter stays 0.
        for index in 0..<10 {
            statistics.receive(timestamp: UInt32(index * 160), arrival: UInt32(5000 + index * 160))
        }
        #expect(statistics.jitter == 0)
        // Alternate arrivals 80 units early and late: |D| = 160 each time after the first.
        var jittered = RTPReceptionStatistics(firstSequenceNumber: 0)
        for index in 0..<400 {
            let skew = index % 2 == 0 ? 80 : -80
            jittered.receive(timestamp: UInt32(index * 160), arrival: UInt32(100_000 + index * 160 + skew))
        }
        // J converges to |D| = 160 (A.8's integer form settles within one unit below it).
        #expect((155...160).contains(jittered.jitter))
    }

    @Test func jitterHandlesTimestampWrap() {
        var statistics = RTPReceptionStatistics(firstSequenceNumber: 0)
        var timestamp = UInt32.max - 160 * 3
        var arrival: UInt32 = 12345
        for _ in 0..<8 {
            statistics.receive(timestamp: timestamp, arrival: arrival)
            timestamp &+= 160
            arrival &+= 160
        }
        #expect(statistics.jitter == 0)
    }
}
