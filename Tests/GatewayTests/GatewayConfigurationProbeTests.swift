import Testing
@testable import Gateway

/// The `registrar:` contact-probe and expiry keys.
@Suite struct GatewayConfigurationProbeTests {
    static let base = "listen:\n  - { transport: udp, address: 127.0.0.1, port: 0 }\n"

    @Test func probeIntervalDefaultsTo30sAndCanBeTurnedOff() throws {
        #expect(try GatewayConfiguration.parse(Self.base, file: "gw.yaml").contactProbeInterval == .seconds(30))
        let custom = try GatewayConfiguration.parse(Self.base + "registrar: { probe_interval: 10s, probe_down_after: 3 }", file: "gw.yaml")
        #expect(custom.contactProbeInterval == .seconds(10))
        #expect(custom.contactProbeMisses == 3)
        let off = try GatewayConfiguration.parse(Self.base + "registrar: { probe_interval: off }", file: "gw.yaml")
        #expect(off.contactProbeInterval == nil)
    }

    @Test func minimumExpires() throws {
        #expect(try GatewayConfiguration.parse(Self.base, file: "gw.yaml").minimumExpires == 60)
        #expect(try GatewayConfiguration.parse(Self.base + "registrar: { min_expires: 10 }", file: "gw.yaml").minimumExpires == 10)
    }

    @Test func registrarDomains() throws {
        #expect(try GatewayConfiguration.parse(Self.base, file: "gw.yaml").registrarDomains.isEmpty)
        let config = try GatewayConfiguration.parse(Self.base + "registrar: { domains: [gw.example.com, 192.0.2.1] }", file: "gw.yaml")
        #expect(config.registrarDomains == ["gw.example.com", "192.0.2.1"])
        #expect(config.durableBindings)
        #expect(try GatewayConfiguration.parse(Self.base + "registrar: { durable: false }", file: "gw.yaml").durableBindings == false)
        #expect(config.groupCommit)
        #expect(try GatewayConfiguration.parse(Self.base + "registrar: { group_commit: false }", file: "gw.yaml").groupCommit == false)
    }

    @Test func aTooShortIntervalIsAnError() {
        #expect(throws: ConfigurationErrors.self) {
            _ = try GatewayConfiguration.parse(Self.base + "registrar: { probe_interval: 1s }", file: "gw.yaml")
        }
    }
}
