import B2BUA
import DialPlan
import Foundation
import Logging
import MediaRelay
import NIOPosix
import Registrar
import SIPStack
import Testing
import TestSupport
@testable import Gateway

/// The call layer's wiring around ``CallAdmission``: the `calls:` limits, the live network
/// state routing sees, and the drain/directory side of ``CallLayer``. Admission on real
/// INVITEs runs in scripts/interop-calls (drain) and scripts/bench-b2bua (overload 503).
@Suite struct CallAdmissionWiringTests {
    static let base = "listen:\n  - { transport: udp, address: 127.0.0.1, port: 0 }\n"

    @Test func callLimitsDefaultAndConfigured() throws {
        let defaults = try GatewayConfiguration.parse(Self.base, file: "gw.yaml").callLimits
        #expect(defaults == CallAdmission.Limits(maxCalls: 20_000, maxCallsInSetup: 4_000, retryAfter: 5))
        let custom = try GatewayConfiguration.parse(Self.base + "calls: { max: 300, max_in_setup: 50, retry_after: 12s }",
                                                    file: "gw.yaml").callLimits
        #expect(custom == CallAdmission.Limits(maxCalls: 300, maxCallsInSetup: 50, retryAfter: 12))
    }

    @Test func overloadGuardDefaultsAndConfigured() throws {
        let defaults = try GatewayConfiguration.parse(Self.base, file: "gw.yaml")
        #expect(defaults.overloadLimits(shards: 2) == SIPOverloadGuard.Limits(
            maxQueueDelay: .milliseconds(100), maxReceiveBacklog: 0.5, maxPendingInvites: 2_000, retryAfter: 5))
        let custom = try GatewayConfiguration.parse(
            Self.base + "calls: { max_in_setup: 51, retry_after: 3s, overload_delay: 250ms, overload_backlog: 30, overload_sustain: 1s }",
            file: "gw.yaml")
        #expect(custom.overloadLimits(shards: 2) == SIPOverloadGuard.Limits(
            maxQueueDelay: .milliseconds(250), maxReceiveBacklog: 0.3, maxPendingInvites: 26, retryAfter: 3, sustain: .seconds(1)))
        #expect(defaults.overloadLimits(shards: 1).sustain == .milliseconds(200))
        let off = try GatewayConfiguration.parse(Self.base + "calls: { overload_delay: off, overload_backlog: off }", file: "gw.yaml")
        #expect(off.overloadLimits(shards: 1).maxQueueDelay == nil)
        #expect(off.overloadLimits(shards: 1).maxReceiveBacklog == nil)
    }

    @Test func badOverloadLimitsNameTheirPlace() {
        do {
            _ = try GatewayConfiguration.parse(
                Self.base + "calls:\n  overload_delay: 5ms\n  overload_backlog: 150\n  overload_sustain: 20s\n", file: "gw.yaml")
            Issue.record("5ms, 150% and 20s are out of range")
        } catch let errors as ConfigurationErrors {
            let text = errors.description
            #expect(errors.errors.count == 3)
            #expect(text.contains("gw.yaml:4:19"), "overload_delay's value is on line 4: \(text)")
            #expect(text.contains("gw.yaml:5:"), "overload_backlog is on line 5: \(text)")
            #expect(text.contains("gw.yaml:6:21"), "overload_sustain's value is on line 6: \(text)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func badCallLimitsNameTheirPlace() {
        do {
            _ = try GatewayConfiguration.parse(Self.base + "calls:\n  max: 0\n  retry: 5s\n", file: "gw.yaml")
            Issue.record("max 0 and an unknown key are errors")
        } catch let errors as ConfigurationErrors {
            let text = errors.description
            #expect(errors.errors.count == 2)
            #expect(text.contains("gw.yaml:4:"), "max: 0 is on line 4: \(text)")
            #expect(text.contains("gw.yaml:5:"), "retry is on line 5: \(text)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    struct Health: TrunkHealthProviding {
        func health(of name: String) -> TrunkHealth? { nil }
        func unusableTrunks(now: Int64) -> Set<String> { ["carrier"] }
    }

    struct Presence: EndpointPresenceProviding {
        func reachability(ofEndpoint name: String, now: Int64) async -> Reachability { Reachability(aor: name, contacts: []) }
        func offlineEndpoints(now: Int64) async -> Set<String> { ["alice"] }
    }

    /// A call service on a media engine of its own, for `body`; the engine is shut down after
    /// it (its thread would outlive the test otherwise), whether the body returned or threw.
    static func withService(_ body: (CallService) async throws -> Void) async throws {
        let (calls, engine) = try service()
        do {
            try await body(calls)
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
        #expect(engine.isShutDown)
    }

    static func service() throws -> (CallService, MediaEngine) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("admission-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            policy:
              trunk_classes: [softphone]
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { source: 192.0.2.20 }
            trunks:
              carrier:
                server: 198.51.100.5
                port: 5060
                allow: [198.51.100.0/24]
            routes:
              - name: alice
                to: "101"
                try:
                  - ring: alice
            """.write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteBindingStore(dataDirectory: directory)
        let dialPlans = try DialPlanStore(path: directory + "/plan.yaml")
        let logger = Logger(label: "test")
        let registrar = RegistrarService(dialPlans: dialPlans, store: store, realm: "unit", algorithms: [.md5], logger: logger)
        let group = MultiThreadedEventLoopGroup.singleton
        let engine = try MediaEngine(group: group, configuration: .init(portRange: FreePorts.range(count: 10)))
        let calls = CallService(group: group, dialPlans: dialPlans, bindings: store, registrar: registrar,
                                media: MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: logger),
                                sink: LoggingCallRecordSink { _ in }, limits: .init(maxCalls: 2, maxCallsInSetup: 1), logger: logger)
        return (calls, engine)
    }

    @Test func routingSeesTrunksDownButLeavesEndpointsToTheCall() async throws {
        try await Self.withService { calls in
            #expect(calls.networkState(now: Date()).trunksDown.isEmpty)
            calls.follow(trunks: Health())
            let state = calls.networkState(now: Date())
            #expect(state.trunksDown == ["carrier"])
            // An endpoint without a live contact is an `offline` attempt of the call itself (so the
            // CDR says `alice:offline → …`); routing does not pre-empt it with a stale snapshot.
            #expect(state.offline.isEmpty)
        }
    }

    @Test func drainRefusesNewCallsAndTheDirectoryStartsEmpty() async throws {
        try await Self.withService { calls in
            #expect(calls.control.admission.withLock { $0.limits.maxCalls } == 2)
            #expect(await calls.calls().isEmpty)
            #expect(await calls.call(id: "nope") == nil)
            #expect(await calls.callsInProgress() == 0)
            #expect(calls.control.draining.withLock { $0 } == nil)
            await calls.stopAcceptingCalls(retryAfter: .seconds(7))
            #expect(calls.control.draining.withLock { $0 } == 7)
            await calls.endAllCalls()
            #expect(await calls.callsInProgress() == 0)
        }
    }
}
