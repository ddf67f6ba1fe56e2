import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

/// TLS with certificates made by openssl at test time.
@Suite struct TLSTransportTests {
    private func pki() throws -> TestPKI { try TestPKI.shared.get() }

    private func startServer(
        _ pki: TestPKI, ipCertificate: Bool = false,
        clientCertificates: SIPTLSServerConfiguration.ClientCertificatePolicy = .none
    ) async throws -> Harness {
        let tls = SIPTLSServerConfiguration(
            certificateChainFile: ipCertificate ? pki.ipServerCertificateFile : pki.serverCertificateFile,
            privateKeyFile: ipCertificate ? pki.ipServerKeyFile : pki.serverKeyFile,
            clientCertificates: clientCertificates)
        return try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .tls, host: "127.0.0.1", port: 0, tls: tls)]))
    }

    private func request(_ branch: String) throws -> SIPMessage {
        try Messages.parse(Messages.options(via: "SIP/2.0/TLS 127.0.0.1:5061;branch=\(branch)", uri: "sips:gatehouse@localhost"))
    }

    @Test func clientVerifiesTheServerByNameAndExchangesMessages() async throws {
        let pki = try pki()
        let server = try await startServer(pki)
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.caFile)))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls, serverName: "localhost")
        try await client.manager.send(try request("z9hG4bKtls1"), to: target)
        let inbound = try await server.inbound.next("TLS request")
        #expect(inbound.context.transport == .tls)
        #expect(inbound.message.topViaBranch == "z9hG4bKtls1")
        try await server.manager.sendResponse(inbound.message.makeResponse(status: 200), for: inbound.context)
        let response = try await client.inbound.next("TLS response")
        #expect(response.message.statusCode == 200)
        #expect(response.context.transport == .tls)
        await client.stop()
        await server.stop()
    }

    @Test func clientVerifiesTheServerByIPAddressWithoutSNI() async throws {
        let pki = try pki()
        let server = try await startServer(pki, ipCertificate: true)
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.caFile)))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls)
        try await client.manager.send(try request("z9hG4bKtlsip"), to: target)
        #expect(try await server.inbound.next("TLS request").message.topViaBranch == "z9hG4bKtlsip")
        await client.stop()
        await server.stop()
    }

    @Test func wrongCAFailsVerificationAndNothingIsDelivered() async throws {
        let pki = try pki()
        let server = try await startServer(pki)
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.otherCAFile)))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls, serverName: "localhost")
        await #expect(throws: (any Error).self) { try await client.manager.send(try request("z9hG4bKbadca"), to: target) }
        #expect(client.manager.counters.sendFailures == 1)
        #expect(server.inbound.count == 0)
        await client.stop()
        await server.stop()
    }

    @Test func wrongServerNameFailsVerification() async throws {
        let pki = try pki()
        let server = try await startServer(pki)
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.caFile)))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls, serverName: "trunk.example.net")
        await #expect(throws: (any Error).self) { try await client.manager.send(try request("z9hG4bKbadname"), to: target) }
        #expect(server.inbound.count == 0)
        await client.stop()
        await server.stop()
    }

    @Test func requiredClientCertificateIsVerified() async throws {
        let pki = try pki()
        let server = try await startServer(pki, clientCertificates: .required(trustRootsFile: pki.caFile))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls, serverName: "localhost")

        // With TLS 1.3 the client finishes its handshake (and may write) before the server has
        // checked its certificate: what matters is that the server rejects the connection.
        let anonymous = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.caFile)))
        try? await anonymous.manager.send(try request("z9hG4bKanon"), to: target)
        for _ in 0..<500 where server.manager.connectionCount + anonymous.manager.connectionCount > 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(server.inbound.count == 0)
        #expect(server.manager.connectionCount == 0)
        #expect(anonymous.manager.connectionCount == 0)

        let identified = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(
            trustRootsFile: pki.caFile, certificateChainFile: pki.clientCertificateFile, privateKeyFile: pki.clientKeyFile)))
        try await identified.manager.send(try request("z9hG4bKmtls"), to: target)
        #expect(try await server.inbound.next("mTLS request").message.topViaBranch == "z9hG4bKmtls")
        // The anonymous request never arrives, however late.
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.inbound.drain().isEmpty)
        #expect(server.manager.counters.connectionsAccepted == 2)
        #expect(server.manager.connectionCount == 1)
        await anonymous.stop()
        await identified.stop()
        await server.stop()
    }

    @Test func tlsListenerWithoutCertificateIsRefused() async throws {
        let manager = try SIPTransportManager(
            configuration: SIPTransportConfiguration(listeners: [.init(transport: .tls, host: "127.0.0.1", port: 0)]),
            group: MultiThreadedEventLoopGroup.singleton) { _ in }
        await #expect(throws: SIPTransportError.self) { try await manager.start() }
        #expect(manager.listeners.isEmpty)
    }
}
