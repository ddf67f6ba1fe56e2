import Testing
@testable import SIPSecurity

struct SourceRateLimiterTests {
    let source = address("198.51.100.7")

    @Test func burstThenRefill() {
        var limiter = SourceRateLimiter(configuration: .init(rate: 10, burst: 5, banAfterRejections: 0))
        let burst = (0..<6).map { _ in limiter.admit(source, now: at(0)) }
        #expect(burst == Array(repeating: .allow, count: 5) + [.reject(ban: nil)])
        // 10 tokens per second: 0.1 s later one token is back, not two.
        #expect(limiter.admit(source, now: at(0.1)) == .allow)
        #expect(limiter.admit(source, now: at(0.1)) == .reject(ban: nil))
        // A long quiet period refills only up to the burst.
        let later = (0..<6).map { _ in limiter.admit(source, now: at(100)) }
        #expect(later.filter { $0 == .allow }.count == 5)
    }

    @Test func sourcesAreIndependent() {
        var limiter = SourceRateLimiter(configuration: .init(rate: 1, burst: 1, banAfterRejections: 0))
        #expect(limiter.admit(source, now: at(0)) == .allow)
        #expect(limiter.admit(source, now: at(0)) == .reject(ban: nil))
        #expect(limiter.admit(address("198.51.100.8"), now: at(0)) == .allow)
    }

    @Test func defaultsLetABusyPBXThrough() {
        // 30 requests per second for a minute (a PBX with a few hundred phones re-registering and
        // calling) never hits the default limit.
        var limiter = SourceRateLimiter()
        var rejected = 0
        for tick in 0..<(60 * 30) where limiter.admit(source, now: at(Double(tick) / 30)) != .allow { rejected += 1 }
        #expect(rejected == 0)
    }

    @Test func sustainedExcessBansOnceThenCountsAgain() {
        var limiter = SourceRateLimiter(configuration: .init(
            rate: 1, burst: 1, banAfterRejections: 3, rejectionWindow: .seconds(10), banDuration: .seconds(60)))
        #expect(limiter.admit(source, now: at(0)) == .allow)
        let decisions = (0..<4).map { _ in limiter.admit(source, now: at(0.5)) }
        #expect(decisions == [.reject(ban: nil), .reject(ban: nil), .reject(ban: .seconds(60)), .reject(ban: nil)])
    }

    @Test func rejectionsOutsideTheWindowDoNotAddUp() {
        var limiter = SourceRateLimiter(configuration: .init(
            rate: 0.01, burst: 1, banAfterRejections: 3, rejectionWindow: .seconds(10), banDuration: .seconds(60)))
        #expect(limiter.admit(source, now: at(0)) == .allow)
        #expect(limiter.admit(source, now: at(1)) == .reject(ban: nil))
        #expect(limiter.admit(source, now: at(2)) == .reject(ban: nil))
        // The window restarts at 13 s: the third refusal is only the first of the new window.
        #expect(limiter.admit(source, now: at(13)) == .reject(ban: nil))
        #expect(limiter.admit(source, now: at(14)) == .reject(ban: nil))
        #expect(limiter.admit(source, now: at(15)) == .reject(ban: .seconds(60)))
    }

    @Test func memoryIsBoundedAndLeastRecentlySeenGoesFirst() {
        var limiter = SourceRateLimiter(configuration: .init(rate: 1, burst: 1, banAfterRejections: 0, maxSources: 3))
        let a = address("192.0.2.1"), b = address("192.0.2.2"), c = address("192.0.2.3"), d = address("192.0.2.4")
        for source in [a, b, c] { #expect(limiter.admit(source, now: at(0)) == .allow) }
        // Touch a again: b is now the least recently seen.
        #expect(limiter.admit(a, now: at(0)) == .reject(ban: nil))
        #expect(limiter.admit(d, now: at(0)) == .allow)
        #expect(limiter.trackedSources == 3)
        #expect(limiter.entries[b] == nil)
        #expect(limiter.entries[a] != nil)
        // A spoofed-source sweep keeps the table at its bound.
        for index in 0..<10_000 {
            _ = limiter.admit(SourceAddress(bytes: [10, UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)])!, now: at(1))
        }
        #expect(limiter.trackedSources == 3)
        #expect(limiter.order.count - limiter.orderHead <= 4 * 16 + 1)
    }
}
