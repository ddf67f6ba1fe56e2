import Foundation
import Logging
import NIOPosix
import Registrar
import SIPCore
import SIPStack
import SIPTransport
import Testing
@testable import Gateway

/// SHA-256 digest end to end (sipp 3.6 only does MD5): the gateway service as `gatehouse run`
/// builds it, on a real UDP socket, and a client SIPStack with this repository's DigestClient.
@Suite struct GatewayServiceDigestTests {
    static let variable = "GATEHOUSE_UNIT_SHA_PASSWORD"

    @Test func registersWithSHA256OverUDP() async throws {
        setenv(Self.variable, "sha-secret", 1)
        let directory = try temporaryPlanDirectory("sha", plan: """
            endpoints:
              alice:
                class: softphone
                number: "101"
                auth: { user: alice, password_env: \(Self.variable) }
            routes:
              - name: internal
                to: "101"
                try:
                  - ring: alice
            """)
        let configuration = try GatewayConfiguration.parse("""
            listen:
              - { transport: udp, address: 127.0.0.1, port: 0 }
            data_directory: \(directory)/data
            dial_plan: \(directory)/plan.yaml
            registrar: { realm: sha-test, digest: [sha256, md5], probe_interval: off }
            """, file: "gw.yaml")
        let service = try GatewayService(configuration: configuration, logger: Logger(label: "gateway"))
        let listeners = try await service.start()
        let port = try #require(listeners.first?.port)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var created: SIPTransportManager?
        let client = try SIPStack(group: group, configuration: SIPStackConfiguration(sentBy: [.udp: "127.0.0.1"]),
                                  user: SIPTransactionUser(request: { _ in })) { inbound in
            let manager = try SIPTransportManager(
                configuration: SIPTransportConfiguration(listeners: [SIPListenerConfiguration(transport: .udp, host: "127.0.0.1", port: 0)]),
                group: group, onInbound: inbound)
            created = manager
            return manager
        }
        let transport = try #require(created)
        _ = try await transport.start()
        let target = try SIPTransportTarget(host: "127.0.0.1", port: port, transport: .udp)

        func register(cseq: Int, credentials: DigestCredentials?) -> SIPMessage {
            var message = SIPMessage(request: SIPRequestLine(method: .register, uri: "sip:127.0.0.1"))
            message.headers.append(.maxForwards, value: "70")
            message.headers.append(.from, value: "<sip:alice@127.0.0.1>;tag=sha1")
            message.headers.append(.to, value: "<sip:alice@127.0.0.1>")
            message.headers.append(.callID, value: "sha-call-1")
            message.headers.append(.cseq, value: "\(cseq) REGISTER")
            message.headers.append(.contact, value: "<sip:alice@192.0.2.10:5062>")
            message.headers.append(.expires, value: "600")
            if let credentials { message.headers.append(.authorization, value: credentials.description) }
            return message
        }

        guard case .final(let challenge) = await client.finalResponse(to: register(cseq: 1, credentials: nil), at: target)
        else { Issue.record("no answer to the first REGISTER"); return }
        #expect(challenge.statusCode == 401)
        let challenges = try challenge.wwwAuthenticate
        // RFC 8760 §2.4: SHA-256 offered first, MD5 beside it.
        #expect(challenges.compactMap { DigestHash($0.algorithm) } == [.sha256, .md5])
        var digest = DigestClient(username: "alice", secret: .password("sha-secret"))
        let answered = digest.answer(challenges, method: "REGISTER", uri: "sip:127.0.0.1")
        let credentials = try #require(answered)
        #expect(DigestHash(credentials.algorithm) == .sha256)
        guard case .final(let ok) = await client.finalResponse(to: register(cseq: 2, credentials: credentials), at: target)
        else { Issue.record("no answer to the authenticated REGISTER"); return }
        #expect(ok.statusCode == 200)
        #expect(ok.headers[.contact]?.hasPrefix("<sip:alice@192.0.2.10:5062>") == true)

        // The binding is in the store (written before the 200) and the presence query sees it.
        let store = try SQLiteBindingStore(dataDirectory: directory + "/data")
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try store.allBindings(now: now).map(\.contact) == ["sip:alice@192.0.2.10:5062"])
        #expect(await service.presence.reachability(ofEndpoint: "alice", now: now).contacts.count == 1)
        // A wrong SHA-256 answer is refused.
        var wrong = DigestClient(username: "alice", secret: .password("not-it"))
        let wrongAnswer = wrong.answer(challenges, method: "REGISTER", uri: "sip:127.0.0.1")
        let bad = try #require(wrongAnswer)
        guard case .final(let refused) = await client.finalResponse(to: register(cseq: 3, credentials: bad), at: target)
        else { Issue.record("no answer to the wrong REGISTER"); return }
        #expect(refused.statusCode == 403)

        await transport.shutdown()
        try await group.shutdownGracefully()
        await service.shutdown()
    }
}
