import Testing
@testable import Gateway

@Suite struct GatewayConfigurationTests {
    @Test func embeddedDefaultParses() throws {
        let config = try GatewayConfiguration.parse(GatewayConfiguration.embeddedDefaultYAML, file: "<embedded>")
        #expect(config.listeners.count == 2)
        #expect(config.listeners[0] == .init(transport: .udp, address: "127.0.0.1", port: 5060))
        #expect(config.mediaPorts == 20000...20999)
        #expect(config.dialPlan == "dialplans/example.yaml")
    }

    @Test func everyErrorIsReportedWithItsPosition() {
        let text = """
            listen:
              - { transport: sctp, address: 127.0.0.1, port: 70000 }
            medai:
              address: 127.0.0.1
            log_level: loud
            """
        #expect(configurationErrorLines(text) == [
            "gw.yaml:3:1: error: unknown key 'medai' (fix: did you mean 'media'?)",
            "gw.yaml:2:18: error: 'transport' cannot be 'sctp' (fix: use one of udp, tcp, tls)",
            "gw.yaml:2:50: error: 'port' must be a whole number from 0 to 65535, not '70000' (fix: write a number in that range)",
            "gw.yaml:5:12: error: unknown log level 'loud' (fix: use one of trace, debug, info, notice, warning, error, critical)",
        ])
    }

    @Test func mediaWakeupCoalescingDefaultsToOneMillisecondAndIsValidated() throws {
        #expect(try GatewayConfiguration.parse(GatewayConfiguration.embeddedDefaultYAML, file: "<embedded>")
            .mediaWakeupCoalescing == .milliseconds(1))
        let listen = "listen: [{ transport: udp, address: 127.0.0.1, port: 5060 }]\n"
        #expect(try GatewayConfiguration.parse(listen + "media: { wakeup_coalescing: 2ms }", file: "gw.yaml")
            .mediaWakeupCoalescing == .milliseconds(2))
        #expect(try GatewayConfiguration.parse(listen + "media: { wakeup_coalescing: off }", file: "gw.yaml")
            .mediaWakeupCoalescing == .zero)
        #expect(try GatewayConfiguration.parse(listen + "media: { wakeup_coalescing: 0ms }", file: "gw.yaml")
            .mediaWakeupCoalescing == .zero)
        #expect(configurationErrorLines(listen + "media:\n  wakeup_coalescing: 20ms") == [
            "gw.yaml:3:22: error: 'wakeup_coalescing' must be from 0s to 10ms, not 20ms (fix: write a duration in that range)",
        ])
        #expect(configurationErrorLines(listen + "media: { wakeup_coalescing: soon }") == [
            "gw.yaml:2:29: error: 'wakeup_coalescing' must be a duration with a unit, not 'soon' (fix: write it like 250ms, 20s, 2m or 1h)",
        ])
    }

    @Test func mediaSocketPoolAndPortQuarantineReachTheEngineAndAreValidated() throws {
        let defaults = CallService.mediaEngineConfiguration(
            try GatewayConfiguration.parse(GatewayConfiguration.embeddedDefaultYAML, file: "<embedded>"))
        #expect(defaults.socketPoolLimit == nil)
        #expect(defaults.portQuarantine == .seconds(2))
        #expect(defaults.wakeupCoalescing == .milliseconds(1))
        let listen = "listen: [{ transport: udp, address: 127.0.0.1, port: 5060 }]\n"
        let set = CallService.mediaEngineConfiguration(
            try GatewayConfiguration.parse(listen + "media: { socket_pool: 300, port_quarantine: 500ms, timeout: 45s }", file: "gw.yaml"))
        #expect(set.socketPoolLimit == 300)
        #expect(set.portQuarantine == .milliseconds(500))
        #expect(set.mediaTimeout == .seconds(45))
        #expect(try GatewayConfiguration.parse(listen + "media: { socket_pool: off }", file: "gw.yaml").mediaSocketPool == 0)
        #expect(try GatewayConfiguration.parse(listen + "media: { socket_pool: 0 }", file: "gw.yaml").mediaSocketPool == 0)
        #expect(configurationErrorLines(listen + "media:\n  socket_pool: -1") == [
            "gw.yaml:3:16: error: 'socket_pool' must be a whole number from 0 to 65536, not '-1' (fix: write a number in that range)",
        ])
        #expect(configurationErrorLines(listen + "media:\n  port_quarantine: 2m") == [
            "gw.yaml:3:20: error: 'port_quarantine' must be from 0s to 1m, not 2m (fix: write a duration in that range)",
        ])
    }

    @Test func syntaxErrorsNameTheirPosition() {
        #expect(throws: ConfigurationErrors.self) {
            _ = try GatewayConfiguration.parse("listen: [\n  - x", file: "bad.yaml")
        }
    }
}
