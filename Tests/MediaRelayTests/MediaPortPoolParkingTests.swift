import Testing
@testable import MediaRelay

/// The parking rules of ``MediaPortPool`` as a value: LRU order, quarantine, the limit, shapes
/// and loops kept apart, closing a loop's parking.
@Suite struct MediaPortPoolParkingTests {
    func pool(limit: Int, quarantine: UInt64) throws -> MediaPortPool {
        var pool = try MediaPortPool(range: 40000...40019)
        pool.parkingLimit = limit
        pool.quarantine = quarantine
        return pool
    }

    func endpoint(_ pool: inout MediaPortPool, at time: UInt64, muxed: Bool = false) throws -> PooledEndpoint {
        let port = try pool.allocate()
        return PooledEndpoint(port: port, rtp: Int32(port), rtcp: muxed ? -1 : Int32(port + 1), rtpSlot: 0,
                              rtcpSlot: muxed ? -1 : 1, parkedAt: time)
    }

    @Test func takesTheLongestParkedOnceItRested() throws {
        var pool = try pool(limit: 8, quarantine: 100)
        let first = try endpoint(&pool, at: 1000)
        let second = try endpoint(&pool, at: 1050)
        #expect(pool.park(first, loop: 0) == nil && pool.park(second, loop: 0) == nil)
        #expect(pool.parkedCount == 2 && pool.allocatedCount == 0 && pool.availableCount == 10)
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 1099) == nil, "still in quarantine")
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 1099, force: true) == first, "forced: the oldest")
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 1150) == second)
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 9999) == nil)
        #expect(pool.parkedCount == 0 && pool.allocatedCount == 2)
    }

    @Test func aFullParkingHandsOutAtOnceAndClosesTheOldest() throws {
        var pool = try pool(limit: 2, quarantine: 1_000_000)
        let endpoints = try (0..<3).map { try endpoint(&pool, at: UInt64(100 + $0)) }
        #expect(pool.park(endpoints[0], loop: 0) == nil)
        #expect(pool.park(endpoints[1], loop: 0) == nil)
        #expect(pool.park(endpoints[2], loop: 0) == endpoints[0], "over the limit: the oldest is closed")
        #expect(pool.parkedCount == 2)
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 103) == endpoints[1], "at the limit: reused unrested")
    }

    @Test func aBusyPoolReusesBeforeItIsFull() throws {
        // Limit 8: from 6 parked on, the oldest is handed out unrested, so calls in flight (the
        // parked count dipping a little) do not bind new ports that the limit then closes.
        var pool = try pool(limit: 8, quarantine: 1_000_000)
        let endpoints = try (0..<6).map { try endpoint(&pool, at: UInt64(100 + $0)) }
        for endpoint in endpoints.prefix(5) { #expect(pool.park(endpoint, loop: 0) == nil) }
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 200) == nil, "5 of 8: bind a new port")
        #expect(pool.park(endpoints[5], loop: 0) == nil)
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 200) == endpoints[0], "6 of 8: reuse the oldest")
    }

    @Test func shapesAndLoopsAreKeptApart() throws {
        var pool = try pool(limit: 8, quarantine: 0)
        let muxed = try endpoint(&pool, at: 1, muxed: true)
        let paired = try endpoint(&pool, at: 2)
        #expect(pool.park(muxed, loop: 0) == nil && pool.park(paired, loop: 1) == nil)
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 10) == nil)
        #expect(pool.takeParked(loop: 1, rtcpMux: true, now: 10) == nil)
        #expect(pool.takeParked(loop: 0, rtcpMux: true, now: 10) == muxed)
        #expect(pool.takeParked(loop: 1, rtcpMux: false, now: 10) == paired)
    }

    @Test func aClosedLoopParksNothing() throws {
        var pool = try pool(limit: 8, quarantine: 0)
        let endpoints = try (0..<3).map { try endpoint(&pool, at: UInt64($0)) }
        #expect(pool.park(endpoints[0], loop: 0) == nil && pool.park(endpoints[1], loop: 1) == nil)
        #expect(pool.closeParking(loop: 0) == [endpoints[0]])
        #expect(pool.parkedCount == 1)
        #expect(pool.park(endpoints[2], loop: 0) == endpoints[2], "closed: handed back to be closed")
        #expect(pool.takeParked(loop: 0, rtcpMux: false, now: 10) == nil)
        #expect(pool.takeParked(loop: 1, rtcpMux: false, now: 10) == endpoints[1])
    }

    @Test func noLimitMeansNoParking() throws {
        var pool = try pool(limit: 0, quarantine: 0)
        let only = try endpoint(&pool, at: 1)
        #expect(pool.park(only, loop: 0) == only)
        #expect(pool.parkedCount == 0)
    }

    @Test func theQueueKeepsOrderAcrossManyParkings() {
        var queue = ParkingQueue()
        var expected: [Int] = []
        for round in 0..<300 {
            queue.append(PooledEndpoint(port: round, rtp: 0, rtcp: -1))
            expected.append(round)
            if round % 3 != 0 { #expect(queue.popFirst()?.port == expected.removeFirst()) }
        }
        #expect(queue.count == expected.count)
        #expect(queue.removeAll().map(\.port) == expected)
        #expect(queue.count == 0 && queue.first == nil)
    }
}
