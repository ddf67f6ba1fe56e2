import NIOCore
import Testing
@testable import SIPTrace

@Suite struct TraceEndpointTests {
    @Test func socketAddressesKeepTheirBytesAndPort() throws {
        let v4 = try #require(TraceEndpoint(try SocketAddress(ipAddress: "192.0.2.10", port: 5062)))
        #expect(v4.address == [192, 0, 2, 10])
        #expect(v4.port == 5062)
        #expect(v4.isIPv4)
        #expect(v4 == TraceEndpoint(ipv4: 192, 0, 2, 10, port: 5062))
        #expect(v4 != TraceEndpoint(ipv4: 192, 0, 2, 10, port: 5060))
        let v6 = try #require(TraceEndpoint(try SocketAddress(ipAddress: "2001:db8::1", port: 5060)))
        #expect(v6.address == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        #expect(!v6.isIPv4)
        #expect(v6 == TraceEndpoint(address: v6.address, port: 5060))
        #expect(TraceEndpoint(address: [1, 2, 3], port: 1) == nil)
    }

    @Test func ipv4MapsToIPv6AndDiffersFromIt() {
        let v4 = TraceEndpoint(ipv4: 10, 0, 0, 1, port: 2)
        #expect(v4.mappedToIPv6.address == [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 10, 0, 0, 1])
        #expect(v4.mappedToIPv6 != v4)
        #expect(Set([v4, v4.mappedToIPv6, TraceEndpoint(ipv4: 10, 0, 0, 1, port: 2)]).count == 2)
    }
}
