import SIPCore
import Testing
@testable import SIPStack

@Suite struct RFC3263ResolverTests {
    /// A carrier with NAPTR (TCP preferred over UDP), two SRV targets for UDP at priorities 10/20.
    static func carrier() -> CannedDNSLookup {
        CannedDNSLookup(
            naptr: ["carrier.example": [
                NAPTRRecord(order: 50, preference: 50, flags: "s", service: "SIP+D2U", regexp: "", replacement: "_sip._udp.carrier.example", ttl: 300),
                NAPTRRecord(order: 10, preference: 50, flags: "s", service: "SIP+D2T", regexp: "", replacement: "_sip._tcp.carrier.example", ttl: 300),
                NAPTRRecord(order: 10, preference: 40, flags: "s", service: "SIP+D2X", regexp: "", replacement: "_sip._x.carrier.example", ttl: 300),
            ]],
            srv: [
                "_sip._tcp.carrier.example": [SRVRecord(priority: 10, weight: 0, port: 5070, target: "tcp1.carrier.example", ttl: 300)],
                "_sip._udp.carrier.example": [
                    SRVRecord(priority: 20, weight: 0, port: 5060, target: "b.carrier.example", ttl: 300),
                    SRVRecord(priority: 10, weight: 0, port: 5062, target: "a.carrier.example", ttl: 300),
                ],
                "_sips._tcp.secure.example": [SRVRecord(priority: 1, weight: 1, port: 5061, target: "tls.secure.example", ttl: 60)],
            ],
            addresses: [
                "tcp1.carrier.example": [AddressRecord(address: "192.0.2.10", ttl: 60)],
                "a.carrier.example": [AddressRecord(address: "192.0.2.1", ttl: 60), AddressRecord(address: "2001:db8::1", ttl: 60)],
                "b.carrier.example": [AddressRecord(address: "192.0.2.2", ttl: 60)],
                "tls.secure.example": [AddressRecord(address: "192.0.2.30", ttl: 60)],
                "plain.example": [AddressRecord(address: "198.51.100.7", ttl: 60)],
                "secure.example": [AddressRecord(address: "198.51.100.8", ttl: 60)],
            ])
    }

    func resolve(_ uri: String, _ lookup: CannedDNSLookup = carrier()) async throws -> [String] {
        let resolver = RFC3263Resolver(lookup: lookup, random: { _ in 0 })
        return try await resolver.resolve(SIPURI(parsing: uri)).map(\.description)
    }

    @Test func naptrOrdersTransportsThenSRVPrioritiesGiveTheFailoverList() async throws {
        #expect(try await resolve("sip:+4670@carrier.example") == [
            "TCP 192.0.2.10:5070",
            "UDP 192.0.2.1:5062", "UDP [2001:db8::1]:5062",
            "UDP 192.0.2.2:5060",
        ])
    }

    @Test func numericAddressSkipsDNS() async throws {
        let lookup = Self.carrier()
        #expect(try await resolve("sip:192.0.2.99", lookup) == ["UDP 192.0.2.99:5060"])
        #expect(try await resolve("sip:[2001:db8::5]:5080;transport=tcp", lookup) == ["TCP [2001:db8::5]:5080"])
        #expect(try await resolve("sips:192.0.2.99", lookup) == ["TLS 192.0.2.99:5061"])
        #expect(lookup.queries.withLockedValue { $0 }.isEmpty)
    }

    @Test func explicitPortSkipsNAPTRAndSRV() async throws {
        let lookup = Self.carrier()
        #expect(try await resolve("sip:carrier.example:5099", lookup).isEmpty)
        #expect(lookup.queries.withLockedValue { $0 } == ["A carrier.example"])
        #expect(try await resolve("sip:plain.example:5099;transport=tcp") == ["TCP 198.51.100.7:5099"])
    }

    @Test func transportParameterQueriesThatSRVOnly() async throws {
        let lookup = Self.carrier()
        #expect(try await resolve("sip:carrier.example;transport=udp", lookup) == [
            "UDP 192.0.2.1:5062", "UDP [2001:db8::1]:5062", "UDP 192.0.2.2:5060",
        ])
        #expect(!lookup.queries.withLockedValue { $0 }.contains { $0.hasPrefix("NAPTR") })
    }

    @Test func withoutNAPTREachTransportsSRVIsTriedThenTheAddress() async throws {
        #expect(try await resolve("sips:secure.example") == ["TLS 192.0.2.30:5061"])
        #expect(try await resolve("sip:plain.example") == ["UDP 198.51.100.7:5060"])
        #expect(try await resolve("sips:plain.example") == ["TLS 198.51.100.7:5061"])
    }

    @Test func sipsUsesOnlyTLSNAPTRRecords() async throws {
        // carrier.example offers no SIPS+D2T, so a SIPS URI falls through to _sips._tcp and A.
        let lookup = Self.carrier()
        lookup.addressRecords["carrier.example"] = [AddressRecord(address: "192.0.2.50", ttl: 60)]
        #expect(try await resolve("sips:carrier.example", lookup) == ["TLS 192.0.2.50:5061"])
    }

    @Test func tlsTargetsCarryTheDomainForCertificateChecks() async throws {
        let resolver = RFC3263Resolver(lookup: Self.carrier(), random: { _ in 0 })
        let targets = try await resolver.resolve(SIPURI(parsing: "sips:secure.example"))
        #expect(targets.first?.serverName == "secure.example")
    }
}
