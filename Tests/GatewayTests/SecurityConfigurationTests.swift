import SIPSecurity
import Testing
@testable import Gateway

@Suite struct SecurityConfigurationTests {
    @Test func defaultsAreOnWithoutASection() throws {
        let config = try GatewayConfiguration.parse("listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]", file: "gw.yaml")
        let security = config.security
        #expect(security.scannerUserAgents == ScannerFilter.defaultSignatures)
        #expect(security.rateLimitEnabled)
        #expect((security.requestsPerSecond, security.burst, security.banAfterRejections) == (50, 200, 500))
        #expect((security.maxFailures, security.failureWindow, security.banDuration) == (5, .seconds(300), .seconds(3600)))
        #expect(!security.answerBanned)
        #expect(security.allow.isEmpty)
        #expect(config.description.contains("security    8 scanner signatures, rate 50/s burst 200, ban after 5 failures in 5m for 1h"))
    }

    @Test func everyKeyOfTheSectionIsRead() throws {
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            security:
              scanner_user_agents: [evil-scanner]
              rate_limit: { enabled: false, requests_per_second: 10, burst: 40, ban_after_rejections: 0, window: 30s, ban_duration: 2m }
              bans: { max_failures: 3, window: 1m, duration: 10m, answer_banned: true }
              allow: [192.0.2.0/24, "2001:db8::1"]
            """, file: "gw.yaml")
        let security = config.security
        #expect(security.scannerUserAgents == ["evil-scanner"])
        #expect(!security.rateLimitEnabled)
        #expect((security.requestsPerSecond, security.burst, security.banAfterRejections) == (10, 40, 0))
        #expect((security.rateLimitWindow, security.rateLimitBanDuration) == (.seconds(30), .seconds(120)))
        #expect((security.maxFailures, security.failureWindow, security.banDuration) == (3, .seconds(60), .seconds(600)))
        #expect(security.answerBanned)
        #expect(security.allow.map(\.description) == ["192.0.2.0/24", "2001:db8::1/128"])
        let policy = security.policyConfiguration(extraAllow: [AddressPrefix("198.51.100.7")!])
        #expect(policy.bans.allowList.count == 3)
        #expect(policy.rateLimit.rate == 10 && policy.rateLimit.banAfterRejections == 0)
        #expect(policy.respondToBanned && !policy.rateLimitEnabled)
    }

    @Test func anEmptyScannerListTurnsTheDropOff() throws {
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            security: { scanner_user_agents: [] }
            """, file: "gw.yaml")
        #expect(config.security.scannerUserAgents.isEmpty)
        #expect(config.description.contains("scanner drop off"))
    }

    @Test func errorsNameFileLineAndColumn() {
        let text = """
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            security:
              scaner_user_agents: [x]
              rate_limit: { requests_per_second: 0, window: 5 }
              bans: { max_failures: many, duration: 2d, answer_banned: maybe }
              allow: [10.0.0.0/33, "  "]
            """
        #expect(configurationErrorLines(text) == [
            "gw.yaml:3:3: error: unknown key 'scaner_user_agents' (fix: did you mean 'scanner_user_agents'?)",
            "gw.yaml:4:38: error: 'requests_per_second' must be a whole number from 1 to 100000, not '0' (fix: write a number in that range)",
            "gw.yaml:4:49: error: 'window' must be a duration with a unit, not '5' (fix: write it like 250ms, 20s, 2m or 1h)",
            "gw.yaml:5:25: error: 'max_failures' must be a whole number from 1 to 10000, not 'many' (fix: write a number in that range)",
            "gw.yaml:5:41: error: 'duration' must be a duration with a unit, not '2d' (fix: write it like 250ms, 20s, 2m or 1h)",
            "gw.yaml:5:60: error: 'answer_banned' must be true or false, not 'maybe' (fix: write `answer_banned: true` or `answer_banned: false`)",
            "gw.yaml:6:11: error: '10.0.0.0/33' is not an IP address or network (fix: write an address or a CIDR block, like 192.0.2.10 or 192.0.2.0/24)",
            "gw.yaml:6:24: error: '  ' is not an IP address or network (fix: write an address or a CIDR block, like 192.0.2.10 or 192.0.2.0/24)",
        ])
    }
}
