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

/// `transport: tls` endpoints and `sips:` URIs (RFC 3261 §26.2.2, RFC 5630): refused over UDP/TCP
/// only after the credentials check, registered and reached over TLS.
@Suite struct TransportPolicyTests {
    static let passwordVariable = "GATEHOUSE_UNIT_TLS_PASSWORD"
    static let password = "tls-secret"

    let service: RegistrarService
    let store: SQLiteBindingStore
    let plan: DialPlan
    let calls: CallService

    init() throws {
        setenv(Self.passwordVariable, Self.password, 1)
        let text = """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: \(Self.passwordVariable) }
                transport: tls
              bob:
                class: softphone
                number: "102"
                auth: { user: bob, password_env: \(Self.passwordVariable) }
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
              - name: bob
                to: "102"
                try:
                  - ring: bob
            """
        let directory = try temporaryPlanDirectory("tlspolicy", plan: text)
        plan = try #require(DialPlan.load(text: text, file: "plan.yaml").plan)
        store = try SQLiteBindingStore(dataDirectory: directory)
        let dialPlans = try DialPlanStore(path: directory + "/plan.yaml")
        let logger = Logger(label: "test")
        service = RegistrarService(dialPlans: dialPlans, store: store, realm: "unit", algorithms: [.md5], logger: logger)
        let group = MultiThreadedEventLoopGroup.singleton
        let engine = try MediaEngine(group: group, configuration: .init(portRange: FreePorts.range(count: 10)))
        calls = CallService(group: group, dialPlans: dialPlans, bindings: store, registrar: service,
                            media: MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: logger),
                            sink: LoggingCallRecordSink { _ in }, logger: logger)
    }

    func bind(_ user: String, _ contact: String, transport: String, port: Int) throws {
        let aor = "sip:\(user)@127.0.0.1"
        let binding = Binding(aor: aor, key: "k-\(contact)", contact: contact, q: nil,
                              expiresAt: Int64(Date().timeIntervalSince1970) + 600, callID: "r-\(contact)", cseq: 1, instance: nil,
                              regID: nil, path: [], source: BindingSource(transport: transport, address: "198.51.100.7", port: port),
                              userAgent: nil, updatedAt: 0)
        try store.apply(BindingChange(aor: aor, upserts: [binding]))
    }

    func request(_ user: String, cseq: Int, uri: String = "sip:127.0.0.1", transport: String,
                 authorization: DigestCredentials? = nil) throws -> SIPMessage {
        try sipRequest([
            "REGISTER \(uri) SIP/2.0", "Via: SIP/2.0/\(transport) 192.0.2.10:5062;branch=z9hG4bK-\(user)-\(cseq)",
            "Max-Forwards: 70", "From: <sip:\(user)@127.0.0.1>;tag=f1", "To: <sip:\(user)@127.0.0.1>",
            "Call-ID: tls-\(user)-\(transport)", "CSeq: \(cseq) REGISTER", "Expires: 600",
            "Contact: <sip:\(user)@192.0.2.10:5062;transport=\(transport.lowercased())>",
        ], credentials: authorization)
    }

    func context(_ transport: SIPTransportProtocol) throws -> SIPMessageContext {
        try messageContext(from: "192.0.2.10", over: transport)
    }

    /// The challenge, then the answer with `password`: both responses.
    func register(_ user: String, over transport: SIPTransportProtocol, uri: String = "sip:127.0.0.1",
                  password: String = TransportPolicyTests.password) throws -> (challenge: SIPMessage, final: SIPMessage) {
        let name = transport.rawValue.uppercased()
        let challenge = service.register(try request(user, cseq: 1, uri: uri, transport: name), context: try context(transport))
        var client = DigestClient(username: user, secret: .password(password))
        let credentials = try #require(client.answer(try challenge.wwwAuthenticate, method: "REGISTER", uri: uri))
        let final = service.register(try request(user, cseq: 2, uri: uri, transport: name, authorization: credentials),
                                     context: try context(transport))
        return (challenge, final)
    }

    @Test func aTLSOnlyEndpointOverUDPIsChallengedLikeAnyoneThenRefusedAndNothingIsStored() throws {
        let alice = try register("alice", over: .udp)
        let stranger = try register("nobody", over: .udp)
        #expect(alice.challenge.statusCode == 401)
        #expect(alice.challenge.statusLine?.reason == stranger.challenge.statusLine?.reason)
        #expect(alice.final.statusCode == 403)
        #expect(alice.final.statusLine?.reason == "TLS Required")
        #expect(try store.bindings(for: "sip:alice@127.0.0.1", now: Int64(Date().timeIntervalSince1970)).isEmpty)
        // A wrong password over UDP is the ordinary failure, not the TLS refusal.
        let wrong = try register("alice", over: .udp, password: "nope")
        #expect(wrong.final.statusLine?.reason != "TLS Required")
        #expect(try register("alice", over: .tcp).final.statusCode == 403)
    }

    @Test func aTLSOnlyEndpointRegistersOverTLS() throws {
        #expect(try register("alice", over: .tls).final.statusCode == 200)
        let bindings = try store.bindings(for: "sip:alice@127.0.0.1", now: Int64(Date().timeIntervalSince1970))
        #expect(bindings.map(\.source.transport) == ["TLS"])
    }

    @Test func aSIPSRequestURIMustArriveOverTLS() throws {
        #expect(try register("bob", over: .udp).final.statusCode == 200)
        let refused = try register("bob", over: .udp, uri: "sips:127.0.0.1").final
        #expect(refused.statusCode == 403)
        #expect(refused.statusLine?.reason == "TLS Required")
        #expect(try register("bob", over: .tls, uri: "sips:127.0.0.1").final.statusCode == 200)
    }

    @Test func callsReachTLSOnlyEndpointsAndSIPSContactsOnlyOverTLS() throws {
        let alice = try #require(plan.endpoints["alice"])
        let bob = try #require(plan.endpoints["bob"])
        #expect(alice.transport == .tls && bob.transport == .any)
        #expect(!TransportPolicy.allows(contact: "sip:alice@192.0.2.10", registeredOver: .udp, endpoint: alice, secureCall: false))
        #expect(!TransportPolicy.allows(contact: "sip:alice@192.0.2.10", registeredOver: .tcp, endpoint: alice, secureCall: false))
        #expect(TransportPolicy.allows(contact: "sip:alice@192.0.2.10", registeredOver: .tls, endpoint: alice, secureCall: false))
        #expect(TransportPolicy.allows(contact: "sip:bob@192.0.2.10", registeredOver: .udp, endpoint: bob, secureCall: false))
        #expect(!TransportPolicy.allows(contact: "sip:bob@192.0.2.10", registeredOver: .udp, endpoint: bob, secureCall: true))
        #expect(!TransportPolicy.allows(contact: "SIPS:bob@192.0.2.10", registeredOver: .tcp, endpoint: bob, secureCall: false))
        #expect(TransportPolicy.allows(contact: "sips:bob@192.0.2.10", registeredOver: .tls, endpoint: bob, secureCall: false))
    }

    @Test func aCallRingsOnlyTheTLSRegistrationsOfATLSOnlyEndpointOrOfASIPSCall() throws {
        try bind("alice", "sip:alice@10.0.0.7:5060", transport: "UDP", port: 40001)
        try bind("alice", "sip:alice@10.0.0.7:5061;transport=tls", transport: "TLS", port: 40002)
        try bind("bob", "sip:bob@10.0.0.8:5060", transport: "UDP", port: 40003)
        try bind("bob", "sips:bob@10.0.0.8:5061", transport: "TCP", port: 40004)
        try bind("bob", "sips:bob@10.0.0.8:5062", transport: "TLS", port: 40005)
        let toAlice = plan.route(CallRequest(caller: .endpoint("bob"), calledNumber: "101", time: Date()))
        let alice = calls.contacts(for: toAlice, plan: plan)
        #expect(alice.contacts == ["alice": ["sip:alice@10.0.0.7:5061;transport=tls"]])
        #expect(alice.targets["sip:alice@10.0.0.7:5061;transport=tls"]?.transport == .tls)
        #expect(alice.targets["sip:alice@10.0.0.7:5061;transport=tls"]?.address.port == 40002)
        let toBob = plan.route(CallRequest(caller: .endpoint("alice"), calledNumber: "102", time: Date()))
        #expect(Set(calls.contacts(for: toBob, plan: plan).contacts["bob"] ?? [])
            == ["sip:bob@10.0.0.8:5060", "sips:bob@10.0.0.8:5062"])
        #expect(calls.contacts(for: toBob, plan: plan, secureCall: true).contacts == ["bob": ["sips:bob@10.0.0.8:5062"]])
    }

    @Test func aSIPSCallKeepsOnlyTrunksReachedOverTLS() throws {
        let result = DialPlan.load(text: """
            endpoints:
              bob:
                class: softphone
                number: "102"
                auth: { user: bob, password_env: X }
              carol:
                class: softphone
                number: "103"
                auth: { user: carol, password_env: X }
            trunks:
              plain: { server: 192.0.2.1, allow: [192.0.2.1] }
              secure: { server: 192.0.2.2, transport: tls, allow: [192.0.2.2] }
            routes:
              - name: out
                to: '^\\+4670[0-9]+$'
                try:
                  - ring: bob
                  - trunk: plain
                  - trunk: secure
              - name: plain-only
                to: '^\\+4680[0-9]+$'
                try:
                  - trunk: plain
            """, file: "plan.yaml")
        let plan = try #require(result.plan, "\(result.diagnostics)")
        let mixed = plan.route(CallRequest(caller: .endpoint("carol"), calledNumber: "+46701234", time: Date()))
        #expect(mixed.attempts.map { $0.legs.map(\.target) } == [["bob"], ["plain"], ["secure"]])
        let secured = TransportPolicy.secure(mixed, plan: plan)
        #expect(secured.attempts.map { $0.legs.map(\.target) } == [["bob"], ["secure"]])
        let plainOnly = plan.route(CallRequest(caller: .endpoint("carol"), calledNumber: "+46801234", time: Date()))
        #expect(plainOnly.attempts.count == 1)
        #expect(TransportPolicy.secure(plainOnly, plan: plan).attempts.isEmpty)
        #expect(TransportPolicy.secure(plainOnly, plan: plan).final == plainOnly.final)
    }

    @Test func anUnknownTransportPolicyIsAPositionedError() {
        let result = DialPlan.load(text: """
            endpoints:
              alice:
                class: softphone
                auth: { user: alice, password_env: X }
                transport: udp
            """, file: "plan.yaml")
        #expect(result.plan == nil)
        #expect(result.errors.map(\.description).contains { $0.hasPrefix("plan.yaml:5:16: error: 'transport' cannot be 'udp'") })
    }
}
