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

    @Test func syntaxErrorsNameTheirPosition() {
        #expect(throws: ConfigurationErrors.self) {
            _ = try GatewayConfiguration.parse("listen: [\n  - x", file: "bad.yaml")
        }
    }
}
