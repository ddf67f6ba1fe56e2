import DialPlan
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Registrar
import SIPCore
import SIPSecurity
import SIPStack
import SIPTransport
import Testing
@testable import Gateway

/// The toll-fraud wiring of the gateway: digest failures reported by the registrar ban the
/// source (never the first challenge), bans are kept in `security.sqlite` and restored, the dial
/// plan's trunks and doors are allow-listed, and the administration functions list and lift bans.
@Suite struct SecurityServiceTests {
    static let passwordVariable = "GATEHOUSE_SECURITY_TEST_PASSWORD"
    static let password = "security-secret"

    let directory: String

    init() throws {
        setenv(Self.passwordVariable, Self.password, 1)
        directory = try temporaryPlanDirectory("security", plan: """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: \(Self.passwordVariable) }
              front-door:
                class: door
                number: "100"
                auth: { source: 192.0.2.20 }
            trunks:
              carrier:
                server: 203.0.113.80
                allow: [198.51.100.0/28]
                dids: ["+4687654321"]
                numbers: { format: e164, country: "46" }
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
            """)
    }

    func makeService(maxFailures: Int = 3) throws -> (SecurityService, RegistrarService) {
        var configuration = GatewayConfiguration.Security()
        configuration.maxFailures = maxFailures
        configuration.allow = [AddressPrefix("10.1.0.0/16")!]
        let plans = try DialPlanStore(path: directory + "/plan.yaml")
        let security = try SecurityService(configuration: configuration, dialPlans: plans, dataDirectory: directory,
                                           logger: Logger(label: "test"))
        let registrar = RegistrarService(dialPlans: plans, store: try SQLiteBindingStore(dataDirectory: directory),
                                         realm: "unit", algorithms: [.md5], security: security, logger: Logger(label: "test"))
        return (security, registrar)
    }

    func register(user: String, cseq: Int, authorization: DigestCredentials? = nil) throws -> SIPMessage {
        let lines = [
            "REGISTER sip:127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 203.0.113.9:5062;branch=z9hG4bK-\(cseq)",
            "Max-Forwards: 70", "From: <sip:\(user)@127.0.0.1>;tag=f1", "To: <sip:\(user)@127.0.0.1>",
            "Call-ID: security-1", "CSeq: \(cseq) REGISTER", "Contact: <sip:\(user)@203.0.113.9:5062>",
        ]
        return try sipRequest(lines, credentials: authorization)
    }

    func context(_ address: String) throws -> SIPMessageContext { try datagramContext(from: address) }

    /// One login attempt as a client does it: the unauthenticated REGISTER, then the answer to its 401.
    func attempt(_ registrar: RegistrarService, user: String, password: String, from address: String, cseq: Int) throws -> SIPMessage {
        let challenge = registrar.register(try register(user: user, cseq: cseq), context: try context(address))
        #expect(challenge.statusCode == 401)
        var client = DigestClient(username: user, secret: .password(password))
        let credentials = try #require(client.answer(try challenge.wwwAuthenticate, method: "REGISTER", uri: "sip:127.0.0.1"))
        return registrar.register(try register(user: user, cseq: cseq + 1, authorization: credentials), context: try context(address))
    }

    @Test func inviteDigestFailuresFromTheCallLayerBanLikeRegisterOnes() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (security, _) = try makeService(maxFailures: 3)
        let seen = NIOLockedValueBox(0)
        let hooks = GatewayService.reportingIdentification(
            CallService.Hooks(identified: { _, _ in seen.withLockedValue { $0 += 1 } }), to: security)
        let identified = try #require(hooks.identified)
        let answer = try register(user: "alice", cseq: 1)
        // 407 challenges never count; wrong credentials do.
        for _ in 0..<5 { identified(.challenge(answer), try context("203.0.113.7")) }
        identified(.failed(answer, username: "alice"), try context("203.0.113.7"))
        identified(.failed(answer, username: "nobody"), try context("203.0.113.7"))
        #expect(security.activeBans().isEmpty)
        identified(.failed(answer, username: "alice"), try context("203.0.113.7"))
        #expect(security.activeBans().map(\.source.description) == ["203.0.113.7"])
        // The hooks given to the gateway still run.
        #expect(seen.withLockedValue { $0 } == 8)
    }

    @Test func challengesNeverCountButWrongPasswordsAndUnknownUsersBan() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (security, registrar) = try makeService(maxFailures: 3)
        // Ten plain challenges (every login starts with one): no ban.
        for cseq in 0..<10 {
            #expect(registrar.register(try register(user: "alice", cseq: cseq), context: try context("203.0.113.9")).statusCode == 401)
        }
        #expect(security.activeBans().isEmpty)
        #expect(try attempt(registrar, user: "alice", password: "guess-1", from: "203.0.113.9", cseq: 20).statusCode == 403)
        #expect(try attempt(registrar, user: "mallory", password: "guess-2", from: "203.0.113.9", cseq: 30).statusCode == 403)
        #expect(security.activeBans().isEmpty)
        #expect(try attempt(registrar, user: "alice", password: "guess-3", from: "203.0.113.9", cseq: 40).statusCode == 403)
        let bans = security.activeBans()
        #expect(bans.map(\.source.description) == ["203.0.113.9"])
        #expect(bans.first?.reason == .authenticationFailures)
        // The banned source's next request is dropped by the stack's filter; others still pass.
        #expect(security.verdict(for: try register(user: "alice", cseq: 50), context: try context("203.0.113.9")) == .drop)
        #expect(security.verdict(for: try register(user: "alice", cseq: 50), context: try context("203.0.113.10")) == .accept)
        #expect(security.counters().bansIssued == [.authenticationFailures: 1])
    }

    @Test func aSuccessClearsTheFailureCount() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (security, registrar) = try makeService(maxFailures: 2)
        #expect(try attempt(registrar, user: "alice", password: "typo", from: "203.0.113.9", cseq: 1).statusCode == 403)
        #expect(try attempt(registrar, user: "alice", password: Self.password, from: "203.0.113.9", cseq: 3).statusCode == 200)
        #expect(try attempt(registrar, user: "alice", password: "typo", from: "203.0.113.9", cseq: 5).statusCode == 403)
        #expect(security.activeBans().isEmpty)
    }

    @Test func bansSurviveARestartInSQLiteAndCanBeLifted() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let (security, registrar) = try makeService(maxFailures: 1)
            #expect(try attempt(registrar, user: "alice", password: "nope", from: "2001:db8::66", cseq: 1).statusCode == 403)
            #expect(security.activeBans().map(\.source.description) == ["2001:db8::66"])
        }
        let stored = try SQLiteBanStore(dataDirectory: directory).load().bans
        #expect(stored.map(\.source.description) == ["2001:db8::66"])

        let (restarted, _) = try makeService(maxFailures: 1)
        #expect(restarted.activeBans().map(\.source.description) == ["2001:db8::66"])
        #expect(restarted.verdict(for: try register(user: "alice", cseq: 9), context: try context("2001:db8::66")) == .drop)
        #expect(try restarted.liftBan("2001:db8::66"))
        #expect(try !restarted.liftBan("2001:db8::66"))
        #expect(restarted.activeBans().isEmpty)
        #expect(try SQLiteBanStore(dataDirectory: directory).load().bans.isEmpty)
        #expect(throws: SecurityAdministrationError.notAnAddress("not-an-ip")) { try restarted.liftBan("not-an-ip") }
    }

    @Test func manualBansAndTheAllowListFromConfigurationAndDialPlan() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (security, registrar) = try makeService(maxFailures: 1)
        #expect(security.allowList().map(\.description) == [
            "10.1.0.0/16", "192.0.2.20/32", "198.51.100.0/28", "203.0.113.80/32",
        ])
        // A door, a trunk network, the trunk's server and a configured network are never banned.
        for address in ["192.0.2.20", "198.51.100.3", "203.0.113.80", "10.1.2.3"] {
            #expect(try attempt(registrar, user: "alice", password: "wrong", from: address, cseq: 1).statusCode == 403)
            #expect(try security.ban(address, for: .seconds(60)) == nil)
        }
        #expect(security.activeBans().isEmpty)
        let manual = try #require(try security.ban("198.51.100.99", for: .seconds(60)))
        #expect(manual.reason == .manual)
        #expect(security.activeBans() == [manual])
        // An IPv4-mapped IPv6 source is the IPv4 address.
        #expect(SourceAddress(try SocketAddress(ipAddress: "::ffff:198.51.100.99", port: 1))?.description == "198.51.100.99")
        #expect(security.verdict(for: try register(user: "alice", cseq: 1), context: try context("::ffff:198.51.100.99")) == .drop)
    }

    @Test func aReloadedDialPlanMovesTheAllowList() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (security, _) = try makeService()
        #expect(try security.ban("198.51.100.200", for: .seconds(600)) != nil)
        let text = try String(contentsOfFile: directory + "/plan.yaml", encoding: .utf8)
        try text.replacingOccurrences(of: "198.51.100.0/28", with: "198.51.100.192/26")
            .write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
        guard case .applied = security.dialPlans.reload() else {
            Issue.record("the edited plan was not applied")
            return
        }
        #expect(security.allowList().map(\.description).contains("198.51.100.192/26"))
        #expect(!security.allowList().map(\.description).contains("198.51.100.0/28"))
        // The newly allowed source's ban is gone.
        #expect(security.activeBans().isEmpty)
    }

    @Test func scannersAreDroppedAndTheFirstRequestsOfAnyoneElsePass() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (security, _) = try makeService()
        let scanner = try SIPParser().parse("""
            OPTIONS sip:100@127.0.0.1 SIP/2.0\r
            Via: SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-1\r
            From: "sipvicious"<sip:100@1.1.1.1>;tag=1\r
            To: <sip:100@127.0.0.1>\r
            Call-ID: s1\r
            CSeq: 1 OPTIONS\r
            User-Agent: friendly-scanner\r
            Content-Length: 0\r
            \r

            """)
        #expect(security.verdict(for: scanner, context: try context("203.0.113.7")) == .drop)
        #expect(security.verdict(for: try register(user: "alice", cseq: 1), context: try context("203.0.113.7")) == .accept)
        #expect(security.counters().dropped == [.scanner: 1])
    }
}
