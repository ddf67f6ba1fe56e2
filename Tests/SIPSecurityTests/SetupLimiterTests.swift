import SIPSecurity
import Testing

@Suite struct SetupLimiterTests {
    /// The answers of `limiter` to `calls` from `source`, in order.
    func begin(_ limiter: inout SetupLimiter, _ calls: [String], from source: String = "192.0.2.1") -> [Bool] {
        calls.map { limiter.begin($0, from: source) }
    }

    @Test func aSourceIsHeldToItsCallsInSetup() {
        var limiter = SetupLimiter(perSource: 3)
        #expect(begin(&limiter, (0..<5).map { "call-\($0)" }) == [true, true, true, false, false])
        #expect(limiter.inSetup(from: "192.0.2.1") == 3)
        // Another source is not affected.
        #expect(begin(&limiter, ["other"], from: "192.0.2.2") == [true])
        // One answered: one more may start; a retransmitted INVITE of a counted call is not new.
        limiter.finished("call-0")
        #expect(begin(&limiter, ["call-1", "call-5", "call-6"]) == [true, true, false])
    }

    @Test func finishingIsIdempotentAndForgetsIdleSources() {
        var limiter = SetupLimiter(perSource: 2)
        #expect(begin(&limiter, ["a"]) == [true])
        limiter.finished("a")
        limiter.finished("a")
        limiter.finished("never-seen")
        #expect(limiter.inSetup(from: "192.0.2.1") == 0)
        #expect(begin(&limiter, ["b", "c", "d"]) == [true, true, false])
        #expect(SetupLimiter().perSource == SetupLimiter.defaultPerSource)
    }
}
