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

    @Test func syntaxErrorsNameTheirPosition() {
        #expect(throws: ConfigurationErrors.self) {
            _ = try GatewayConfiguration.parse("listen: [\n  - x", file: "bad.yaml")
        }
    }
}
