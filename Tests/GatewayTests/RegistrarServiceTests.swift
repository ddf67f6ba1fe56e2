import DialPlan
import Foundation
import Logging
import NIOCore
import NIOPosix
import Registrar
import SIPCore
import SIPTransport
import Testing
@testable import Gateway

/// The registrar transaction user against a real dial plan file and SQLite store: the wiring of
/// RFC 3261 §10.3 steps 2–8 (authenticate, own the AOR, store, answer).
@Suite struct RegistrarServiceTests {
    static let passwordVariable = "GATEHOUSE_UNIT_TEST_PASSWORD"
    static let password = "unit-secret"

    let directory: String
    let service: RegistrarService
    let store: SQLiteBindingStore

    init() throws {
        setenv(Self.passwordVariable, Self.password, 1)
        directory = try temporaryPlanDirectory("registrar", plan: """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: \(Self.passwordVariable) }
              bob:
                class: phone
                number: "102"
                auth: { user: bob, ha1: 0123456789abcdef0123456789abcdef, realm: unit }
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
            """)
        store = try SQLiteBindingStore(dataDirectory: directory)
        service = RegistrarService(dialPlans: try DialPlanStore(path: directory + "/plan.yaml"), store: store,
                                   realm: "unit", algorithms: [.sha256, .md5], logger: Logger(label: "test"))
    }

    func request(user: String, cseq: Int, contact: String? = "<sip:alice@192.0.2.10:5062>",
                 authorization: DigestCredentials? = nil) throws -> SIPMessage {
        var lines = [
            "REGISTER sip:127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-\(cseq)",
            "Max-Forwards: 70", "From: <sip:\(user)@127.0.0.1>;tag=f1", "To: <sip:\(user)@127.0.0.1>",
            "Call-ID: unit-1", "CSeq: \(cseq) REGISTER", "Expires: 600",
        ]
        if let contact { lines.append("Contact: \(contact)") }
        return try sipRequest(lines, credentials: authorization)
    }

    var context: SIPMessageContext {
        get throws { try datagramContext(from: "192.0.2.10") }
    }

    /// Sends the REGISTER unauthenticated, answers the 401 as `user` with `password`, returns the final response.
    func authenticatedRegister(user: String, password: String, contact: String? = "<sip:alice@192.0.2.10:5062>") throws -> SIPMessage {
        let challenge = service.register(try request(user: user, cseq: 1, contact: contact), context: try context)
        #expect(challenge.statusCode == 401)
        var client = DigestClient(username: user, secret: .password(password))
        let credentials = try #require(client.answer(try challenge.wwwAuthenticate, method: "REGISTER", uri: "sip:127.0.0.1"))
        return service.register(try request(user: user, cseq: 2, contact: contact, authorization: credentials), context: try context)
    }

    @Test func challengeThenRegisterStoresTheBinding() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let response = try authenticatedRegister(user: "alice", password: Self.password)
        #expect(response.statusCode == 200)
        let contact = response.headers.firstValue(.contact).map { String(decoding: $0, as: UTF8.self) }
        #expect(contact == "<sip:alice@192.0.2.10:5062>;expires=600")
        let stored = try store.bindings(for: "sip:alice@127.0.0.1", now: Int64(Date().timeIntervalSince1970))
        #expect(stored.map(\.contact) == ["sip:alice@192.0.2.10:5062"])
        #expect(stored.first?.source.address == "192.0.2.10")
    }

    @Test func wrongPasswordAndUnknownUserGetTheSame403() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wrong = try authenticatedRegister(user: "alice", password: "guess")
        let unknown = try authenticatedRegister(user: "mallory", password: Self.password)
        #expect(wrong.statusCode == 403)
        #expect(wrong.statusLine == unknown.statusLine)
        #expect(try store.allBindings(now: 0).isEmpty)
    }

    @Test func anAuthenticatedUserCannotRegisterAnotherAOR() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // alice's credentials, bob's AOR: §10.3 step 3.
        let challenge = service.register(try request(user: "bob", cseq: 1), context: try context)
        var client = DigestClient(username: "alice", secret: .password(Self.password))
        let credentials = try #require(client.answer(try challenge.wwwAuthenticate, method: "REGISTER", uri: "sip:127.0.0.1"))
        let response = service.register(try request(user: "bob", cseq: 2, authorization: credentials), context: try context)
        #expect(response.statusCode == 403)
        #expect(try store.allBindings(now: 0).isEmpty)
    }

    @Test func tooBriefAnExpiryIs423WithMinExpires() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let response = try authenticatedRegister(user: "alice", password: Self.password,
                                                 contact: "<sip:alice@192.0.2.10:5062>;expires=10")
        #expect(response.statusCode == 423)
        #expect(response.headers.firstValue(.minExpires).map { String(decoding: $0, as: UTF8.self) } == "60")
        #expect(try store.allBindings(now: 0).isEmpty)
    }

    @Test func secretsComeFromTheDialPlan() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = service.dialPlans.current.plan
        #expect(RegistrarService.secret(of: "alice", in: plan, realm: "unit") == .password(Self.password))
        #expect(RegistrarService.secret(of: "bob", in: plan, realm: "unit") == .ha1(md5: "0123456789abcdef0123456789abcdef", sha256: nil))
        // An HA1 computed for another realm cannot verify anything here.
        #expect(RegistrarService.secret(of: "bob", in: plan, realm: "other") == nil)
        #expect(RegistrarService.secret(of: "mallory", in: plan, realm: "unit") == nil)
        #expect(RegistrarService.owns(aor: "sip:101@example.test", username: "alice", plan: plan))
        #expect(RegistrarService.owns(aor: "sip:alice@example.test", username: "alice", plan: plan))
        #expect(!RegistrarService.owns(aor: "sip:102@example.test", username: "alice", plan: plan))
    }

    @Test func serviceConfigurationAcceptsEphemeralPortsAndRegistrarSettings() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, address: 127.0.0.1, port: 0 }]
            registrar: { realm: example, digest: [md5] }
            """, file: "test.yaml")
        #expect(config.listeners.first?.port == 0)
        #expect(config.realm == "example")
        #expect(config.digestAlgorithms == [.md5])
    }
}
