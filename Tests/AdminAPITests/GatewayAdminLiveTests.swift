import AdminAPI
import Foundation
import Registrar
import SIPCore
import Testing
@testable import Gateway

/// The admin API over real sockets against a running gateway: registrations, metrics and the SIP
/// trace follow real REGISTER exchanges over UDP.
@Suite(.serialized) struct GatewayAdminLiveTests {
    /// REGISTER with a wrong password (403), then the right one (200).
    func registerAlice(_ gateway: GatewayHarness, callID: String) async throws {
        let challenge = try await gateway.exchange { GatewayHarness.register(port: $0, callID: callID, cseq: 1) }
        #expect(challenge.statusCode == 401)
        func answer(_ password: String) throws -> String {
            var client = DigestClient(username: "alice", secret: .password(password))
            let credentials = try #require(client.answer(try challenge.wwwAuthenticate, method: "REGISTER", uri: "sip:127.0.0.1"))
            var bytes: [UInt8] = []
            credentials.write(into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        let wrong = try answer("wrong")
        let refused = try await gateway.exchange { GatewayHarness.register(port: $0, callID: callID, cseq: 2, authorization: wrong) }
        #expect(refused.statusCode == 403)
        let right = try answer(GatewayHarness.password)
        let accepted = try await gateway.exchange { GatewayHarness.register(port: $0, callID: callID, cseq: 3, authorization: right) }
        #expect(accepted.statusCode == 200)
    }

    @Test func statusRegistrationsAndMetricsFollowARegister() async throws {
        let gateway = try await GatewayHarness.start()
        #expect(gateway.adminListening.tokenOrigin == .configuration)
        let before = try await gateway.get("/status", as: AdminStatus.self)
        #expect(before.registrations == 0)
        #expect(before.dialPlanVersion == 1)
        #expect(before.trunks.map(\.name) == ["carrier"])
        #expect(try await gateway.get("/calls", as: [AdminCall].self).isEmpty)

        try await registerAlice(gateway, callID: "live-register-1")
        #expect(try await gateway.get("/status", as: AdminStatus.self).registrations == 1)
        let registrations = try await gateway.get("/registrations", as: [AdminRegistration].self)
        #expect(registrations.map(\.aor) == ["sip:alice@127.0.0.1"])
        #expect(registrations.first?.transport == "udp")
        #expect((registrations.first?.expiresIn ?? 0) > 590)

        let metrics = try await gateway.admin.send(.get, "/metrics").text
        #expect(metrics.contains("gatehouse_auth_failures_total 1\n"))
        #expect(metrics.contains("gatehouse_registrations 1.0\n"))
        #expect(metrics.contains("gatehouse_sip_transactions_total{role=\"server\"} 3\n"))
        #expect(metrics.contains("gatehouse_sip_messages_total{direction=\"received\"} 3\n"))
        try await gateway.stop()
    }

    @Test func theTraceOfARegisterIsAPcapOfBothDirections() async throws {
        let gateway = try await GatewayHarness.start()
        try await registerAlice(gateway, callID: "live-trace-1")
        let response = try await gateway.admin.send(.get, "/calls/live-trace-1/pcap")
        #expect(response.status == 200)
        let records = Self.pcapRecords(response.body)
        #expect(records.count == 6)
        // Each record: IPv4 + UDP headers (28 bytes), then the SIP message.
        let texts = records.map { String(decoding: $0.dropFirst(28), as: UTF8.self) }
        #expect(texts.map { $0.prefix(11) } == ["REGISTER si", "SIP/2.0 401", "REGISTER si", "SIP/2.0 403", "REGISTER si", "SIP/2.0 200"])
        #expect(try await gateway.admin.send(.get, "/calls/unknown-call/pcap").status == 404)
        try await gateway.stop()
    }

    @Test func reloadAndExplainUseTheRunningPlan() async throws {
        let gateway = try await GatewayHarness.start()
        let unchanged = try await gateway.admin.send(.post, "/reload")
        #expect(unchanged.status == 200)
        #expect(try AdminJSON.decoder.decode(AdminReloadResult.self, from: Data(unchanged.body)).outcome == "unchanged")
        try "endpoints: {".write(toFile: gateway.directory + "/plan.yaml", atomically: true, encoding: .utf8)
        let rejected = try await gateway.admin.send(.post, "/reload")
        #expect(rejected.status == 422)
        let result = try AdminJSON.decoder.decode(AdminReloadResult.self, from: Data(rejected.body))
        #expect(result.version == 1)
        #expect(result.messages.first?.hasPrefix(gateway.directory + "/plan.yaml:") == true)
        // The running version (1) still routes 101.
        let query = try AdminJSON.encoder.encode(AdminExplainQuery(from: "alice", to: "101"))
        let explained = try await gateway.admin.send(.post, "/route/explain", body: Array(query))
        #expect(explained.status == 200)
        #expect(try AdminJSON.decoder.decode(AdminExplainResult.self, from: Data(explained.body)).text.contains("ring alice"))
        #expect(try await gateway.admin.send(.get, "/metrics").text.contains("gatehouse_dial_plan_reloads_total{outcome=\"rejected\"} 1\n"))
        try await gateway.stop()
    }

    @Test func aWrongTokenIs401OverTheWire() async throws {
        let gateway = try await GatewayHarness.start()
        let stranger = AdminClient(host: gateway.admin.host, port: gateway.admin.port, token: "guess")
        let response = try await stranger.send(.get, "/status")
        #expect(response.status == 401)
        #expect(response.errorMessage == "missing or wrong bearer token")
        try await gateway.stop()
    }

    /// The records of a libpcap file (24-byte global header, 16-byte record headers, little endian).
    static func pcapRecords(_ bytes: [UInt8]) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let length = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            let start = offset + 16
            guard start + length <= bytes.count else { break }
            records.append(Array(bytes[start..<start + length]))
            offset = start + length
        }
        return records
    }
}
