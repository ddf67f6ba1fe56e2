import Foundation
import SIPCore
import Testing
@testable import Gateway

/// The service settings of the configuration: admin port 0 and token, the drain time.
@Suite struct ServiceConfigurationTests {
    @Test func adminPortZeroTokenAndDrainTime() throws {
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            admin: { address: 127.0.0.1, port: 0, token: s3cret }
            shutdown: { drain_seconds: 5 }
            """, file: "gw.yaml")
        #expect(config.adminPort == 0)
        #expect(config.adminToken == "s3cret")
        #expect(config.drainTime == .seconds(5))
    }

    @Test func defaultsWithoutThem() throws {
        let config = GatewayConfiguration.embeddedDefault()
        #expect(config.adminPort == 8060)
        #expect(config.adminToken == nil)
        #expect(config.drainTime == .seconds(30))
    }

    @Test func badServiceSettingsAreReportedWithTheirPosition() {
        let text = """
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            admin: { port: 0, tokne: x }
            shutdown: { drain_seconds: 7200 }
            """
        #expect {
            _ = try GatewayConfiguration.parse(text, file: "gw.yaml")
        } throws: { error in
            let lines = (error as? ConfigurationErrors)?.errors.map(\.description) ?? []
            return lines.count == 2 && lines[0].hasPrefix("gw.yaml:2:19: error: unknown key 'tokne'")
                && lines[1].hasPrefix("gw.yaml:3:28: error: 'drain_seconds' must be a whole number from 0 to 3600")
        }
    }
}

/// sd_notify datagrams arrive on a real Unix socket.
@Suite struct SystemdNotifierTests {
    @Test func readyReachesTheNotifySocket() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        #expect(notifier.send("READY=1\nSTATUS=up"))
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(count > 0)
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "READY=1\nSTATUS=up")
    }

    @Test func absentWithoutNotifySocketAndFailsOnAMissingOne() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(!SystemdNotifier(path: "/nonexistent/notify").send("READY=1"))
    }
}

/// The `trace` section: the ring's size and the HEP3 collector.
@Suite struct TraceConfigurationTests {
    @Test func ringAndCollector() throws {
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            trace: { calls: 50, megabytes: 2, hep: { address: 192.0.2.50, port: 9061, agent_id: 7, password_env: HOMER } }
            """, file: "gw.yaml")
        #expect(config.trace.calls == 50)
        #expect(config.trace.megabytes == 2)
        #expect(config.trace.hep == GatewayConfiguration.HEPCollector(address: "192.0.2.50", port: 9061, agentID: 7, passwordEnvironment: "HOMER"))
        #expect(GatewayConfiguration.embeddedDefault().trace == GatewayConfiguration.TraceSettings())
    }

    @Test func aCollectorWithoutAnAddressIsAnError() {
        #expect {
            _ = try GatewayConfiguration.parse("""
                listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
                trace: { hep: { port: 9060 } }
                """, file: "gw.yaml")
        } throws: { error in
            (error as? ConfigurationErrors)?.errors.map(\.description)
                == ["gw.yaml:2:15: error: 'hep' needs the collector's address (fix: add `address: 192.0.2.50` (and `port: 9060`))"]
        }
    }
}

/// OPTIONS pings stay out of the trace unless asked for.
@Suite struct TraceFilterTests {
    static func message(_ text: String) throws -> SIPMessage {
        try SIPParser().parse(text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
    }

    static let options = """
        OPTIONS sip:gw SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1
        From: <sip:a@gw>;tag=1
        To: <sip:gw>
        Call-ID: ping-1
        CSeq: 7 OPTIONS
        Content-Length: 0

        """
    static let optionsAnswer = """
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1
        From: <sip:a@gw>;tag=1
        To: <sip:gw>;tag=2
        Call-ID: ping-1
        CSeq: 7 OPTIONS
        Content-Length: 0

        """

    @Test func optionsAndTheirAnswersAreSkippedByDefault() throws {
        let filter = TraceFilter(options: false)
        #expect(!filter.keeps(try Self.message(Self.options)))
        #expect(!filter.keeps(try Self.message(Self.optionsAnswer)))
        let register = Self.options.replacingOccurrences(of: "OPTIONS", with: "REGISTER")
        #expect(filter.keeps(try Self.message(register)))
        #expect(filter.keeps(try Self.message(Self.optionsAnswer.replacingOccurrences(of: "7 OPTIONS", with: "7 REGISTER"))))
        #expect(TraceFilter(options: true).keeps(try Self.message(Self.options)))
    }

    @Test func theConfigurationTurnsThemOn() throws {
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            trace: { options: true }
            """, file: "gw.yaml")
        #expect(config.trace.options)
        #expect(!GatewayConfiguration.embeddedDefault().trace.options)
    }
}
