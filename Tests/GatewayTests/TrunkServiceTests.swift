import DialPlan
import Foundation
import Logging
import Registrar
import SIPCore
import SIPStack
import Synchronization
import Testing
@testable import Gateway

/// A carrier registrar and OPTIONS responder in memory: challenges REGISTER with MD5 digest
/// (this repository's server side), grants `granted` seconds, and can be told to refuse or to
/// stop answering.
final class ScriptedCarrier: TrunkSignaling {
    struct State {
        var auth = DigestAuthenticator(realm: "carrier.test", algorithms: [.md5])
        var registers: [SIPMessage] = []
        var accepted = 0
        var options = 0
        /// Statuses forced on the next REGISTERs (408 = no answer).
        var refusals: [Int] = []
        var answersOptions = true
        var granted = 2
    }
    let state = Mutex(State())
    let password: String

    init(password: String) { self.password = password }

    func send(_ request: SIPMessage, to trunk: Trunk) async -> SIPClientEvent {
        let password = self.password
        return state.withLock { state in
            if request.method == .options {
                state.options += 1
                return state.answersOptions ? .final(request.makeResponse(status: 200)) : .timeout
            }
            state.registers.append(request)
            if !state.refusals.isEmpty {
                let status = state.refusals.removeFirst()
                return status == 408 ? .timeout : .final(request.makeResponse(status: status))
            }
            let now = Int64(Date().timeIntervalSince1970)
            let credentials = (try? request.authorization) ?? []
            let outcome = state.auth.verify(credentials, method: "REGISTER", requestURI: request.requestLine?.uriString,
                                            now: now) { $0 == "4930123" ? .password(password) : nil }
            if let refusal = state.auth.response(to: request, outcome: outcome, now: now) { return .final(refusal) }
            state.accepted += 1
            var ok = request.makeResponse(status: 200)
            ok.headers.append(.contact, value: "<sip:4930123@192.0.2.1:5060>;expires=\(state.granted)")
            return .final(ok)
        }
    }

    func contactHost(for trunk: Trunk) -> String { "192.0.2.1:5060" }
}

@Suite struct TrunkServiceTests {
    static let variable = "GATEHOUSE_UNIT_TRUNK_PASSWORD"
    let directory: String

    init() throws {
        setenv(Self.variable, "trunk-secret", 1)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trunks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func writePlan(trunks: String) throws -> String {
        let path = directory + "/plan.yaml"
        try """
            endpoints:
              alice:
                class: softphone
                auth: { user: alice, password_env: \(Self.variable) }
            trunks:
            \(trunks)
            routes:
              - name: out
                to: "0*"
                try:
                  - ring: alice
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let registering = """
          carrier:
            server: 192.0.2.50
            port: 5070
            register: { user: "4930123", password_env: \(variable), expiry: 60s }
            options: false
        """

    func waitUntil(_ seconds: Double = 8, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    func service(_ carrier: ScriptedCarrier, plan: String) throws -> TrunkService {
        TrunkService(dialPlans: try DialPlanStore(path: plan), signaling: carrier,
                     timing: .init(initialBackoff: 1, maxBackoff: 4, reloadPoll: .milliseconds(50)), logger: Logger(label: "test"))
    }

    @Test func registersThroughTheChallengeAndRefreshesBeforeExpiry() async throws {
        let carrier = ScriptedCarrier(password: "trunk-secret")
        let trunks = try service(carrier, plan: try writePlan(trunks: Self.registering))
        let task = Task { await trunks.run() }
        defer { task.cancel() }
        #expect(await waitUntil { trunks.health(of: "carrier")?.isRegistered(now: Int64(Date().timeIntervalSince1970)) == true })
        let first = carrier.state.withLock { $0.registers }
        #expect(first.count == 2)
        #expect(first.first?.requestLine?.uriString == "sip:192.0.2.50:5070")
        #expect((try? first.last?.authorization.first?.username) == "4930123")
        #expect(first.last?.headers[.contact] == "<sip:4930123@192.0.2.1:5060>")
        // Granted 2 s: the refresh comes a second later, on the same Call-ID.
        #expect(await waitUntil { carrier.state.withLock { $0.accepted } >= 2 })
        let all = carrier.state.withLock { $0.registers }
        #expect(Set(all.compactMap(\.callID)).count == 1)
        #expect(trunks.unusableTrunks(now: Int64(Date().timeIntervalSince1970)).isEmpty)
        #expect(carrier.state.withLock { $0.options } == 0)
    }

    @Test func unregistersEveryRegisteredTrunkWhenStopping() async throws {
        let carrier = ScriptedCarrier(password: "trunk-secret")
        carrier.state.withLock { $0.granted = 60 }
        let trunks = try service(carrier, plan: try writePlan(trunks: Self.registering))
        let task = Task { await trunks.run(unregisterWithin: .seconds(3)) }
        #expect(await waitUntil { carrier.state.withLock { $0.accepted } == 1 })
        task.cancel()
        await task.value
        let registers = carrier.state.withLock { $0.registers }
        // REGISTER, challenged REGISTER, then the un-REGISTER (challenged: a fresh nonce) and its answer.
        #expect(registers.count == 4)
        #expect(registers.suffix(2).allSatisfy { $0.headers[.expires] == "0" })
        #expect(Set(registers.compactMap(\.callID)).count == 1)
        #expect(registers.compactMap(\.cseqNumber) == [1, 2, 3, 4])
        #expect(carrier.state.withLock { $0.accepted } == 2)
        #expect(trunks.health(of: "carrier") == nil, "stopped")
    }

    @Test func reRegistersAfterTheCarrierDropsTheRegistration() async throws {
        let carrier = ScriptedCarrier(password: "trunk-secret")
        let trunks = try service(carrier, plan: try writePlan(trunks: Self.registering))
        let task = Task { await trunks.run() }
        defer { task.cancel() }
        #expect(await waitUntil { carrier.state.withLock { $0.accepted } == 1 })
        // The refresh is refused, then the retry goes unanswered: the trunk fails, backs off, retries.
        carrier.state.withLock { $0.refusals = [403, 408] }
        #expect(await waitUntil {
            if case .failed(_, let failures)? = trunks.health(of: "carrier")?.registration { return failures >= 1 }
            return false
        })
        let now = Int64(Date().timeIntervalSince1970)
        #expect(trunks.unusableTrunks(now: now) == ["carrier"])
        var state = NetworkState()
        state.markTrunksDown(from: trunks, now: now)
        #expect(state.trunksDown == ["carrier"])
        #expect(await waitUntil(12) { carrier.state.withLock { $0.accepted } >= 2 })
        #expect(await waitUntil { trunks.health(of: "carrier")?.isRegistered(now: Int64(Date().timeIntervalSince1970)) == true })
    }

    @Test func aMissedProbeMarksTheTrunkDown() async throws {
        let carrier = ScriptedCarrier(password: "trunk-secret")
        carrier.state.withLock { $0.answersOptions = false }
        let trunks = try service(carrier, plan: try writePlan(trunks: """
              probed:
                server: 192.0.2.60
                allow: [192.0.2.60]
                options: { interval: 15s, down_after: 1, up_after: 1 }
            """))
        let task = Task { await trunks.run() }
        defer { task.cancel() }
        #expect(await waitUntil { trunks.health(of: "probed")?.probeUp == false })
        #expect(trunks.health(of: "probed")?.lastProbeStatus == 408)
        #expect(trunks.health(of: "probed")?.registration == .notConfigured)
        #expect(trunks.unusableTrunks(now: 0) == ["probed"])
        let options = carrier.state.withLock { $0.options }
        #expect(options == 1)
    }

    @Test func followsDialPlanReloads() async throws {
        let carrier = ScriptedCarrier(password: "trunk-secret")
        let path = try writePlan(trunks: Self.registering)
        let store = try DialPlanStore(path: path)
        let trunks = TrunkService(dialPlans: store, signaling: carrier,
                                  timing: .init(initialBackoff: 1, maxBackoff: 4, reloadPoll: .milliseconds(50)),
                                  logger: Logger(label: "test"))
        let task = Task { await trunks.run() }
        defer { task.cancel() }
        #expect(await waitUntil { carrier.state.withLock { $0.accepted } >= 1 })
        _ = try writePlan(trunks: """
              other:
                server: 192.0.2.70
                allow: [192.0.2.70]
                options: false
            """)
        guard case .applied = store.reload() else { Issue.record("the new plan was not applied"); return }
        #expect(await waitUntil { trunks.health(of: "carrier") == nil && trunks.health(of: "other") != nil })
        #expect(trunks.health(of: "other")?.isUsable(now: 0) == true)
        #expect(trunks.allHealth().map(\.trunk) == ["other"])
        // The removed trunk's registration is removed at its carrier.
        #expect(await waitUntil { carrier.state.withLock { $0.registers.last?.headers[.expires] } == "0" })
    }

    @Test func serverURIKeepsPortAndTransport() throws {
        let path = try writePlan(trunks: """
              a: { server: "2001:db8::1", port: 5080, transport: tcp, options: false, allow: ["2001:db8::1"] }
              b: { server: carrier.example, options: false, allow: [192.0.2.80] }
            """)
        let loaded = DialPlan.load(contentsOf: path)
        #expect(loaded.errors.isEmpty)
        let trunks = try #require(loaded.plan).trunks
        #expect(trunks["a"]?.serverURIText == "sip:[2001:db8::1]:5080;transport=tcp")
        #expect(trunks["b"]?.serverURIText == "sip:carrier.example")
        #expect(trunks["b"]?.serverURI?.host.text == "carrier.example")
    }
}
