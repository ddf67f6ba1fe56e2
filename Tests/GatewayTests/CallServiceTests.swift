import B2BUA
import DialPlan
import Foundation
import Logging
import MediaRelay
import NIOCore
import NIOPosix
import Registrar
import SIPCore
import SIPTransport
import Testing
import TestSupport
@testable import Gateway

/// The call service's decisions that need no sockets: who is calling (trunk or endpoint by
/// source, digest with a 407 challenge), which contacts to ring and where to send to them, and
/// which event loop owns a Call-ID. Whole calls run in scripts/interop-calls.
@Suite struct CallServiceTests {
    static let passwordVariable = "GATEHOUSE_CALL_TEST_PASSWORD"
    static let password = "call-secret"

    let directory: String
    let registrar: RegistrarService
    let calls: CallService
    let store: SQLiteBindingStore
    let engine: MediaEngine

    init() throws {
        setenv(Self.passwordVariable, Self.password, 1)
        directory = try temporaryPlanDirectory("calls", plan: """
            policy:
              country: "46"
              trunk_classes: [door, softphone]
            endpoints:
              door:
                class: door
                number: "100"
                auth: { source: 192.0.2.20 }
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: \(Self.passwordVariable) }
            trunks:
              carrier:
                server: 198.51.100.5
                port: 5060
                allow: [203.0.113.0/24]
              named:
                server: localhost
                port: 5070
                allow: [192.0.2.250]
            routes:
              - name: alice
                to: "101"
                try:
                  - ring: alice
            """)
        store = try SQLiteBindingStore(dataDirectory: directory)
        let dialPlans = try DialPlanStore(path: directory + "/plan.yaml")
        let logger = Logger(label: "test")
        registrar = RegistrarService(dialPlans: dialPlans, store: store, realm: "unit", algorithms: [.md5], logger: logger)
        let group = MultiThreadedEventLoopGroup.singleton
        engine = try MediaEngine(group: group, configuration: .init(portRange: FreePorts.range(count: 10)))
        calls = CallService(group: group, dialPlans: dialPlans, bindings: store, registrar: registrar,
                            media: MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: logger),
                            sink: LoggingCallRecordSink { _ in }, logger: logger)
    }

    static func invite(proxyAuthorization: DigestCredentials? = nil) throws -> SIPMessage {
        let lines = [
            "INVITE sip:101@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-1",
            "Max-Forwards: 70", "From: <sip:alice@127.0.0.1>;tag=f1", "To: <sip:101@127.0.0.1>",
            "Call-ID: call-unit-1", "CSeq: 1 INVITE",
        ]
        return try sipRequest(lines, credentials: proxyAuthorization, header: "Proxy-Authorization")
    }

    static func context(_ address: String) throws -> SIPMessageContext { try datagramContext(from: address) }

    var plan: DialPlan { registrar.dialPlans.current.plan }

    /// Runs a test's `body`, then shuts the media engine down (its thread would outlive the
    /// test otherwise), whether the body returned or threw.
    func shuttingDownMedia(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
        #expect(engine.isShutDown)
    }

    @Test func trunkAndEndpointBySourceAddress() async throws {
        try await shuttingDownMedia {
            let invite = try Self.invite()
            guard case .trunk("carrier") = calls.identifyCaller(invite, context: try Self.context("203.0.113.9"), plan: plan) else {
                Issue.record("the trunk's allow network identifies it"); return
            }
            guard case .trunk("carrier") = calls.identifyCaller(invite, context: try Self.context("198.51.100.5"), plan: plan) else {
                Issue.record("the trunk's server address identifies it"); return
            }
            guard case .endpoint("door", byDigest: false) = calls.identifyCaller(invite, context: try Self.context("192.0.2.20"),
                                                                               plan: plan) else {
                Issue.record("the door by its source"); return
            }
        }
    }

    @Test func trunkByTheResolvedAddressOfItsServerName() async throws {
        try await shuttingDownMedia {
            let invite = try Self.invite()
            guard case .challenge = calls.identifyCaller(invite, context: try Self.context("127.0.0.1"), plan: plan) else {
                Issue.record("unknown before resolution"); return
            }
            await calls.refreshTrunkAddresses()
            guard case .trunk("named") = calls.identifyCaller(invite, context: try Self.context("127.0.0.1"), plan: plan) else {
                Issue.record("localhost resolves to 127.0.0.1: the trunk"); return
            }
        }
    }

    @Test func unknownSourceIsChallengedThenAuthenticatedByDigest() async throws {
        try await shuttingDownMedia {
            let context = try Self.context("192.0.2.10")
            guard case .challenge(let challenge) = calls.identifyCaller(try Self.invite(), context: context, plan: plan) else {
                Issue.record("no credentials: a challenge"); return
            }
            #expect(challenge.statusCode == 407)
            var client = DigestClient(username: "alice", secret: .password(Self.password))
            let credentials = try #require(client.answer(try challenge.proxyAuthenticate, method: "INVITE", uri: "sip:101@127.0.0.1"))
            guard case .endpoint("alice", byDigest: true) = calls.identifyCaller(
                try Self.invite(proxyAuthorization: credentials), context: context, plan: plan) else {
                Issue.record("valid Proxy-Authorization identifies alice"); return
            }
            var wrong = DigestClient(username: "alice", secret: .password("not-it"))
            let bad = try #require(wrong.answer(try challenge.proxyAuthenticate, method: "INVITE", uri: "sip:101@127.0.0.1"))
            guard case .failed(let response, _) = calls.identifyCaller(try Self.invite(proxyAuthorization: bad), context: context,
                                                                       plan: plan) else {
                Issue.record("a wrong password fails"); return
            }
            #expect(response.statusCode == 403)
        }
    }

    @Test func contactsComeFromBindingsWithTheirSourceAddress() async throws {
        try await shuttingDownMedia {
            let binding = Binding(aor: "sip:alice@127.0.0.1", key: "k1", contact: "sip:alice@10.0.0.7:5060", q: nil,
                                  expiresAt: Int64(Date().timeIntervalSince1970) + 600, callID: "r1", cseq: 1, instance: nil,
                                  regID: nil, path: [], source: BindingSource(transport: "UDP", address: "198.51.100.77", port: 40123),
                                  userAgent: nil, updatedAt: 0)
            try store.apply(BindingChange(aor: binding.aor, upserts: [binding]))
            let decision = plan.route(CallRequest(caller: .endpoint("door"), calledNumber: "101", time: Date()))
            let (contacts, targets) = calls.contacts(for: decision, plan: plan)
            #expect(contacts == ["alice": ["sip:alice@10.0.0.7:5060"]])
            #expect(targets["sip:alice@10.0.0.7:5060"]?.address.ipAddress == "198.51.100.77", "sent to where it registered from (NAT)")
            #expect(targets["sip:alice@10.0.0.7:5060"]?.address.port == 40123)
        }
    }

    @Test func legCallIDsNameTheirOwningShard() async throws {
        try await shuttingDownMedia {
            let shard = try #require(calls.shards.last)
            let callID = calls.makeLegCallID(on: shard)
            #expect(calls.owner(of: callID) === shard)
            // A foreign gateway's Call-ID of the same shape is not ours: the current loop (none here).
            #expect(calls.owner(of: "gh\(shard.index)-other-1234@gatehouse") == nil)
            #expect(CallService.user(ofAOR: "sip:alice@example.net") == "alice")
        }
    }
}

@Suite struct MediaTimeoutConfigurationTests {
    @Test func mediaTimeoutIsReadFromTheMediaSection() throws {
        let config = try GatewayConfiguration.parse("""
            listen:
              - { transport: udp, address: 127.0.0.1, port: 0 }
            media: { address: 127.0.0.1, ports: 30000-30099, timeout: 4s }
            dial_plan: plan.yaml
            """, file: "unit.yaml")
        #expect(config.mediaTimeout == .seconds(4))
        #expect(GatewayConfiguration.embeddedDefault().mediaTimeout == .seconds(30))
        #expect(throws: (any Error).self) {
            try GatewayConfiguration.parse("media: { timeout: 0s }\ndial_plan: p.yaml\n", file: "bad.yaml")
        }
    }
}
