import AdminAPI
import CallRecords
import Foundation
import Testing
@testable import Gateway

/// Call records, bans, security metrics and trunk states through the admin API of a running gateway.
@Suite(.serialized) struct GatewayAdminRecordsTests {
    @Test func cdrsComeFromTheCallRecordStoreFilteredAndAsCSV() async throws {
        let gateway = try await GatewayHarness.start()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        try gateway.service.callRecords.callStarted(CallStart(callID: "cdr-a", caller: "alice", called: "102", started: base))
        try gateway.service.callRecords.callStarted(CallStart(callID: "cdr-b", caller: "front-door", called: "101",
                                                              started: base.addingTimeInterval(60)))
        let all = try await gateway.get("/cdrs", as: [AdminCallRecord].self)
        #expect(all.map(\.callID) == ["cdr-b", "cdr-a"])
        #expect(all.first?.outcome == "in_progress")
        #expect(try await gateway.get("/cdrs?caller=alice", as: [AdminCallRecord].self).map(\.callID) == ["cdr-a"])
        #expect(try await gateway.get("/cdrs?called=101", as: [AdminCallRecord].self).map(\.callID) == ["cdr-b"])
        #expect(try await gateway.get("/cdrs?from=1800000030", as: [AdminCallRecord].self).map(\.callID) == ["cdr-b"])
        #expect(try await gateway.get("/cdrs?until=2027-01-15T08:00:30Z", as: [AdminCallRecord].self).map(\.callID) == ["cdr-a"])
        #expect(try await gateway.get("/cdrs?limit=1", as: [AdminCallRecord].self).map(\.callID) == ["cdr-b"])
        #expect(try await gateway.get("/cdrs?outcome=answered", as: [AdminCallRecord].self).isEmpty)
        #expect(try await gateway.get("/cdrs?outcome=in_progress", as: [AdminCallRecord].self).count == 2)
        let bad = try await gateway.admin.send(.get, "/cdrs?outcome=won")
        #expect(bad.status == 400)
        #expect(bad.errorMessage.contains("outcome must be one of in_progress, answered"))
        let csv = try await gateway.admin.send(.get, "/cdrs?format=csv&caller=front-door")
        #expect(csv.contentType == "text/csv; charset=utf-8")
        let lines = csv.text.components(separatedBy: "\r\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("2,cdr-b,front-door,101,,in_progress,2027-01-15T08:01:00Z,"))
        try await gateway.stop()
    }

    @Test func bansAreListedLiftedAndCountedInMetrics() async throws {
        let gateway = try await GatewayHarness.start()
        #expect(try await gateway.get("/bans", as: [AdminBan].self).isEmpty)
        _ = try gateway.service.security.ban("192.0.2.77", for: .seconds(600))
        let bans = try await gateway.get("/bans", as: [AdminBan].self)
        #expect(bans.map(\.source) == ["192.0.2.77"])
        #expect(bans.first?.reason == "manual")
        #expect(try await gateway.get("/status", as: AdminStatus.self).activeBans == 1)
        #expect(try await gateway.admin.send(.get, "/metrics").text.contains("gatehouse_bans_active 1.0\n"))

        #expect(try await gateway.admin.send(.delete, "/bans/192.0.2.77").status == 200)
        #expect(try await gateway.admin.send(.delete, "/bans/192.0.2.77").status == 404)
        #expect(try await gateway.admin.send(.delete, "/bans/not-an-address").status == 400)
        #expect(try await gateway.get("/bans", as: [AdminBan].self).isEmpty)

        // A scanner's request is dropped without an answer (INTEROP.md) and counted.
        await #expect(throws: GatewayHarness.HarnessError.self) {
            _ = try await gateway.exchange { port in
                GatewayHarness.register(port: port, callID: "scan-1", cseq: 1)
                    .replacingOccurrences(of: "Content-Length: 0", with: "User-Agent: friendly-scanner\r\nContent-Length: 0")
            }
        }
        let metrics = try await gateway.admin.send(.get, "/metrics").text
        #expect(metrics.contains("gatehouse_bans_active 0.0\n"))
        #expect(metrics.contains("gatehouse_security_requests_total{action=\"drop\",reason=\"scanner\"} 1\n"))
        #expect(metrics.contains("gatehouse_security_requests_total{action=\"reject\",reason=\"rateLimited\"} 0\n"))
        try await gateway.stop()
    }

    @Test func trunkStatesFollowTheTrunkService() async throws {
        let gateway = try await GatewayHarness.start()
        // The trunk service reconciles with the plan as it starts: then the state is known.
        var trunk = try await gateway.get("/status", as: AdminStatus.self).trunks.first
        for _ in 0..<50 where trunk?.state == "unknown" {
            try await Task.sleep(for: .milliseconds(100))
            trunk = try await gateway.get("/status", as: AdminStatus.self).trunks.first
        }
        #expect(trunk?.name == "carrier" && trunk?.registers == false)
        #expect(trunk?.state == "not_registering")
        // The plan's trunk is probed by default (INTEROP.md): the probe reports from the start.
        #expect(trunk?.probe != nil)
        try await gateway.stop()
    }

    @Test func trunkStateNames() {
        let now: Int64 = 1_800_000_000
        func state(_ health: TrunkHealth?) -> AdminTrunk {
            GatewayService.adminTrunk(name: "carrier", registers: true, health: health, now: now)
        }
        #expect(state(nil) == AdminTrunk(name: "carrier", registers: true, state: "unknown"))
        #expect(state(TrunkHealth(trunk: "carrier", registration: .registering, probeUp: true)).probe == "up")
        #expect(state(TrunkHealth(trunk: "carrier", registration: .registering)).state == "registering")
        let registered = state(TrunkHealth(trunk: "carrier", registration: .registered(until: now + 300), probeUp: false, lastProbeStatus: 408))
        #expect(registered == AdminTrunk(name: "carrier", registers: true, state: "registered", probe: "down", lastProbeStatus: 408,
                                         until: Date(timeIntervalSince1970: TimeInterval(now + 300))))
        #expect(state(TrunkHealth(trunk: "carrier", registration: .registered(until: now))).state == "registering")
        let failed = state(TrunkHealth(trunk: "carrier", registration: .failed(retryAt: now + 30, failures: 2)))
        #expect(failed.state == "failed" && failed.until == Date(timeIntervalSince1970: TimeInterval(now + 30)))
    }

    @Test func statusTextShowsTheProbe() {
        let status = AdminStatus(version: "t", uptimeSeconds: 1, registrations: 0,
                                 trunks: [AdminTrunk(name: "carrier", registers: true, state: "registered", probe: "up")],
                                 callsInProgress: 0, dialPlanVersion: 1, dialPlanPath: "p", draining: false)
        #expect(AdminText.status(status).hasSuffix("TRUNK    REGISTERS  STATE       PROBE\ncarrier  yes        registered  up\n"))
    }
}
