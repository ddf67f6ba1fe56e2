import NIOConcurrencyHelpers
import NIOPosix
import Testing
@testable import SIPStack

@Suite struct CachingDNSLookupTests {
    final class VirtualClock: Sendable {
        let start = ContinuousClock.now
        let offset = NIOLockedValueBox(Duration.zero)
        func now() -> ContinuousClock.Instant { start + offset.withLockedValue { $0 } }
        func advance(_ by: Duration) { offset.withLockedValue { $0 += by } }
    }

    @Test func answersAreKeptForTheSmallestTTL() async throws {
        let upstream = CannedDNSLookup(srv: ["_sip._udp.x": [
            SRVRecord(priority: 1, weight: 1, port: 5060, target: "a.x", ttl: 300),
            SRVRecord(priority: 2, weight: 1, port: 5060, target: "b.x", ttl: 60),
        ]])
        let clock = VirtualClock()
        let cache = CachingDNSLookup(upstream, now: { clock.now() })
        _ = try await cache.srv("_sip._udp.x")
        clock.advance(.seconds(59))
        _ = try await cache.srv("_sip._udp.x")
        #expect(upstream.queries.withLockedValue { $0.count } == 1)
        clock.advance(.seconds(2))
        #expect(cache.count == 0)
        _ = try await cache.srv("_sip._udp.x")
        #expect(upstream.queries.withLockedValue { $0.count } == 2)
    }

    @Test func emptyAnswersAreCachedForTheNegativeTTL() async throws {
        let upstream = CannedDNSLookup()
        let clock = VirtualClock()
        let cache = CachingDNSLookup(upstream, negativeTTL: .seconds(10), now: { clock.now() })
        #expect(try await cache.naptr("nothing.example").isEmpty)
        #expect(try await cache.naptr("nothing.example").isEmpty)
        #expect(upstream.queries.withLockedValue { $0 } == ["NAPTR nothing.example"])
        clock.advance(.seconds(11))
        _ = try await cache.naptr("nothing.example")
        #expect(upstream.queries.withLockedValue { $0.count } == 2)
    }

    /// The live path: libresolv finds nothing here (no DNS server), getaddrinfo reads /etc/hosts.
    @Test(.timeLimit(.minutes(1))) func systemLookupResolvesLocalhostOffTheEventLoops() async throws {
        let lookup = SystemDNSLookup(threadPool: .singleton, timeoutSeconds: 1, attempts: 1)
        let addresses = try await lookup.addresses("localhost")
        #expect(addresses.contains { $0.address == "127.0.0.1" })
        let resolver = RFC3263Resolver(lookup: CachingDNSLookup(lookup))
        let targets = try await resolver.resolve(ResolutionRequest(host: "localhost", isIPAddress: false, port: 5090, transport: .tcp))
        #expect(targets.contains(ResolvedTarget(address: "127.0.0.1", port: 5090, transport: .tcp, serverName: "localhost")))
    }
}
