import Foundation
import SIPSecurity
import Testing

@Suite struct CallRateLimiterTests {
    let t0 = Date(timeIntervalSince1970: 4_000_000)

    /// The answers of `limiter` to calls from `caller` at each of `offsets` seconds after t0.
    func calls(_ limiter: inout CallRateLimiter, _ caller: String = "alice", perMinute: Int, at offsets: [Double]) -> [Bool] {
        offsets.map { limiter.admit(caller: caller, perMinute: perMinute, at: t0 + $0) }
    }

    @Test func aQuietCallerMayPlaceItsWholeMinuteAtOnceThenNoMore() {
        var limiter = CallRateLimiter()
        let answers = calls(&limiter, perMinute: 10, at: (0..<15).map { Double($0) * 0.01 })
        #expect(answers == Array(repeating: true, count: 10) + Array(repeating: false, count: 5))
        #expect(limiter.retryAfter(caller: "alice", perMinute: 10, at: t0 + 0.2) == 6)
    }

    @Test func theBucketRefillsEvenly() {
        var limiter = CallRateLimiter()
        #expect(calls(&limiter, perMinute: 10, at: (0..<10).map { Double($0) * 0.01 }).allSatisfy { $0 })
        // One call every 6 s comes back.
        #expect(calls(&limiter, perMinute: 10, at: [5, 6.1, 6.2]) == [false, true, false])
        #expect(limiter.retryAfter(caller: "alice", perMinute: 10, at: t0 + 6.2) >= 5)
        // A steady caller at its limit is never refused: one call per 6 s for an hour.
        var steady = CallRateLimiter()
        #expect(calls(&steady, "pbx", perMinute: 10, at: (0..<600).map { Double($0) * 6 }).allSatisfy { $0 })
    }

    @Test func callersAreLimitedApartAndRefusalsDoNotCount() {
        var limiter = CallRateLimiter()
        #expect(calls(&limiter, perMinute: 3, at: [0, 0.01, 0.02]) == [true, true, true])
        // Refused calls take no token: after 20 s exactly one is back, however many were refused.
        #expect(calls(&limiter, perMinute: 3, at: (0..<50).map { 1 + Double($0) * 0.1 }).allSatisfy { !$0 })
        #expect(calls(&limiter, perMinute: 3, at: [20.1, 20.2]) == [true, false])
        #expect(calls(&limiter, "bob", perMinute: 3, at: [1]) == [true])
        #expect(limiter.retryAfter(caller: "bob", perMinute: 3, at: t0 + 1) == 0)
    }

    @Test func aLowerLimitAfterAReloadAppliesToTheNextCall() {
        var limiter = CallRateLimiter()
        #expect(calls(&limiter, perMinute: 100, at: [0, 1, 2, 3, 4]).allSatisfy { $0 })
        // The plan now says 2 a minute: the bucket is capped at 2, so two more calls, then none.
        #expect(calls(&limiter, perMinute: 2, at: [6, 6.1, 6.2]) == [true, true, false])
    }

    @Test func memoryIsBounded() {
        var limiter = CallRateLimiter(maxCallers: 100)
        for i in 0..<1_000 { _ = limiter.admit(caller: "caller-\(i)", perMinute: 5, at: t0 + Double(i) * 0.001) }
        #expect(limiter.trackedCallers <= 100)
        // The newest caller is still held to its limit.
        #expect(calls(&limiter, "caller-999", perMinute: 5, at: [1.1, 1.1, 1.1, 1.1, 1.2]) == [true, true, true, true, false])
    }
}
