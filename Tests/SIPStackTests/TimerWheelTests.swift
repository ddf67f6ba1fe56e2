import Testing

@testable import SIPStack

/// The pure wheel: ticks of 10 ns from 1000, 8 slots (a span of 80 ns), so turns are cheap to test.
@Suite struct TimerWheelTests {
    static let origin: UInt64 = 1000
    static let resolution: UInt64 = 10

    func makeWheel(slots: Int = 8) -> TimerWheel<Int> {
        TimerWheel(origin: Self.origin, resolution: Self.resolution, slotCount: slots)
    }

    /// Everything due at or before `now`, in firing order.
    func drain(_ wheel: inout TimerWheel<Int>, at now: UInt64) -> [Int] {
        var fired: [Int] = []
        while let payload = wheel.popExpired(now: now) { fired.append(payload) }
        return fired
    }

    @Test func firesInDeadlineOrderAcrossSlots() {
        var wheel = makeWheel()
        for (id, delay) in [(3, 45), (1, 5), (4, 70), (2, 22)] {
            _ = wheel.schedule(after: Int64(delay), now: Self.origin, id)
        }
        #expect(wheel.count == 4)
        #expect(drain(&wheel, at: Self.origin + 1000) == [1, 2, 3, 4])
        #expect(wheel.isEmpty)
    }

    @Test func neverFiresEarlyAndAtMostOneTickLate() {
        var wheel = makeWheel()
        _ = wheel.schedule(at: Self.origin + 23, 7)
        // Due at 1023: the first tick at or after it is tick 3 (1030).
        #expect(drain(&wheel, at: Self.origin + 22).isEmpty)
        #expect(drain(&wheel, at: Self.origin + 29).isEmpty)
        #expect(drain(&wheel, at: Self.origin + 30) == [7])
        // A deadline exactly on a tick fires at that tick.
        _ = wheel.schedule(at: Self.origin + 50, 8)
        #expect(drain(&wheel, at: Self.origin + 49).isEmpty)
        #expect(drain(&wheel, at: Self.origin + 50) == [8])
    }

    @Test func sameTickFiresInSchedulingOrderAndASharedSlotWaitsItsTurn() {
        var wheel = makeWheel()
        _ = wheel.schedule(at: Self.origin + 21, 1)
        _ = wheel.schedule(at: Self.origin + 100, 9)  // tick 10: slot 2, one turn later
        _ = wheel.schedule(at: Self.origin + 29, 2)
        _ = wheel.schedule(at: Self.origin + 30, 3)
        #expect(drain(&wheel, at: Self.origin + 30) == [1, 2, 3])
        #expect(wheel.count == 1)
        #expect(drain(&wheel, at: Self.origin + 99).isEmpty)
        #expect(drain(&wheel, at: Self.origin + 100) == [9])
    }

    @Test func cancelRemovesTheTimerAndAStaleHandleCancelsNothing() {
        var wheel = makeWheel()
        let first = wheel.schedule(after: 15, now: Self.origin, 1)
        let second = wheel.schedule(after: 15, now: Self.origin, 2)
        #expect(wheel.cancel(first) == 1)
        #expect(wheel.cancel(first) == nil)
        #expect(!wheel.isScheduled(first))
        #expect(wheel.isScheduled(second))
        // The freed node is reused: the old handle must not reach the new timer.
        let third = wheel.schedule(after: 15, now: Self.origin, 3)
        #expect(third.index == first.index)
        #expect(wheel.cancel(first) == nil)
        #expect(wheel.isScheduled(third))
        #expect(drain(&wheel, at: Self.origin + 20) == [2, 3])
        // A fired timer's handle is stale too.
        #expect(wheel.cancel(second) == nil)
        #expect(wheel.cancel(third) == nil)
        #expect(wheel.isEmpty)
    }

    @Test func rescheduleMovesTheTimer() {
        var wheel = makeWheel()
        var handle = wheel.schedule(after: 20, now: Self.origin, 1)
        _ = wheel.schedule(after: 40, now: Self.origin, 2)
        wheel.cancel(handle)
        handle = wheel.schedule(after: 60, now: Self.origin, 1)
        #expect(drain(&wheel, at: Self.origin + 50) == [2])
        #expect(wheel.isScheduled(handle))
        #expect(drain(&wheel, at: Self.origin + 60) == [1])
    }

    @Test func delaysLongerThanTheSpanWaitTheirTurns() {
        var wheel = makeWheel()
        // Span 80: ticks 1, 9 and 25 share slot 1; 250 is three turns and a bit away.
        _ = wheel.schedule(after: 250, now: Self.origin, 1)
        _ = wheel.schedule(after: 10, now: Self.origin, 2)
        _ = wheel.schedule(after: 90, now: Self.origin, 3)
        var fired: [(Int, UInt64)] = []
        var now = Self.origin
        while now <= Self.origin + 400 {
            for id in drain(&wheel, at: now) { fired.append((id, now)) }
            now += 1
        }
        #expect(fired.map(\.0) == [2, 3, 1])
        #expect(fired.map(\.1) == [Self.origin + 10, Self.origin + 90, Self.origin + 250])
    }

    @Test func aBigJumpFiresEverythingInOrder() {
        var wheel = makeWheel()
        for id in (1...20).reversed() { _ = wheel.schedule(after: Int64(id * 37), now: Self.origin, id) }
        #expect(drain(&wheel, at: Self.origin + 10_000) == Array(1...20))
    }

    @Test func aDeadlineInThePastFiresAtTheNextTick() {
        var wheel = makeWheel()
        #expect(drain(&wheel, at: Self.origin + 55).isEmpty)  // the wheel is at tick 5
        _ = wheel.schedule(at: Self.origin + 3, 1)
        _ = wheel.schedule(after: -40, now: Self.origin + 55, 2)
        _ = wheel.schedule(after: 0, now: Self.origin + 55, 3)
        #expect(drain(&wheel, at: Self.origin + 59).isEmpty)
        #expect(drain(&wheel, at: Self.origin + 60) == [1, 2, 3])
        // Before the origin counts as the past too.
        _ = wheel.schedule(at: 0, 4)
        #expect(drain(&wheel, at: Self.origin + 70) == [4])
    }

    @Test func aTimerScheduledWhileFiringWaitsForTheNextTick() {
        var wheel = makeWheel()
        _ = wheel.schedule(after: 10, now: Self.origin, 1)
        #expect(wheel.popExpired(now: Self.origin + 10) == 1)
        // As the fired body would: zero delay at the same instant.
        _ = wheel.schedule(after: 0, now: Self.origin + 10, 2)
        #expect(wheel.popExpired(now: Self.origin + 10) == nil)
        #expect(drain(&wheel, at: Self.origin + 20) == [2])
    }

    @Test func cancellingTheNextTimerOfTheSlotBeingScannedSkipsIt() {
        var wheel = makeWheel()
        _ = wheel.schedule(after: 10, now: Self.origin, 1)
        let second = wheel.schedule(after: 10, now: Self.origin, 2)
        _ = wheel.schedule(after: 10, now: Self.origin, 3)
        #expect(wheel.popExpired(now: Self.origin + 10) == 1)
        wheel.cancel(second)
        #expect(drain(&wheel, at: Self.origin + 10) == [3])
    }

    @Test func nextOccupiedTickNamesTheFirstSlotWithATimer() {
        var wheel = makeWheel()
        #expect(wheel.nextOccupiedTick() == nil)
        let handle = wheel.schedule(after: 35, now: Self.origin, 1)
        _ = wheel.schedule(after: 500, now: Self.origin, 2)  // tick 50, slot 2
        #expect(wheel.nextOccupiedTick() == 2)  // tick 50's slot comes up first: no timer is due before
        #expect(wheel.time(ofTick: 2) == Self.origin + 20)
        _ = drain(&wheel, at: Self.origin + 20)
        #expect(wheel.nextOccupiedTick() == 4)
        wheel.cancel(handle)
        #expect(wheel.nextOccupiedTick() == 10)
        #expect(drain(&wheel, at: Self.origin + 500) == [2])
        #expect(wheel.nextOccupiedTick() == nil)
    }

    /// 20 000 timers over many turns, a third cancelled, time stepped by random amounts: each
    /// live timer fires once, never early, at most one tick late when the wheel is asked at every
    /// tick, and in deadline order.
    @Test func manyTimersMatchAModel() {
        var wheel = TimerWheel<Int>(origin: Self.origin, resolution: Self.resolution, slotCount: 64)
        var generator = SplitMix(seed: 42)
        var deadlines: [Int: UInt64] = [:]
        var handles: [Int: TimerHandle] = [:]
        var now = Self.origin
        var fired: [Int: UInt64] = [:]
        var order: [Int] = []
        var nextID = 0
        for _ in 0..<2000 {
            for _ in 0..<10 {
                let delay = generator.next() % 3000
                deadlines[nextID] = now + delay
                handles[nextID] = wheel.schedule(after: Int64(delay), now: now, nextID)
                nextID += 1
            }
            for _ in 0..<3 where !handles.isEmpty {
                let id = Int(generator.next() % UInt64(nextID))
                if let handle = handles[id], wheel.cancel(handle) != nil { deadlines[id] = nil }
            }
            now += generator.next() % 12
            while let id = wheel.popExpired(now: now) {
                #expect(fired[id] == nil)
                fired[id] = now
                order.append(id)
            }
        }
        now += 4000
        while let id = wheel.popExpired(now: now) {
            fired[id] = now
            order.append(id)
        }
        #expect(wheel.isEmpty)
        #expect(Set(fired.keys) == Set(deadlines.keys))
        for (id, at) in fired {
            let deadline = deadlines[id] ?? 0
            #expect(at >= deadline)
        }
        let ticks = order.map { ((deadlines[$0] ?? 0) - Self.origin + Self.resolution - 1) / Self.resolution }
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func steppedEveryTickTheErrorStaysUnderOneTick() {
        var wheel = makeWheel(slots: 16)
        var generator = SplitMix(seed: 7)
        var deadlines: [Int: UInt64] = [:]
        for id in 0..<500 {
            let deadline = Self.origin + 1 + generator.next() % 2000
            deadlines[id] = deadline
            _ = wheel.schedule(at: deadline, id)
        }
        var now = Self.origin
        var count = 0
        while now <= Self.origin + 2100 {
            while let id = wheel.popExpired(now: now) {
                let deadline = deadlines[id] ?? 0
                #expect(now >= deadline && now < deadline + Self.resolution)
                count += 1
            }
            now += Self.resolution
        }
        #expect(count == 500)
    }
}

/// A small deterministic generator for the model tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
