import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Testing

@testable import SIPTransport

/// The listener's TLS policy (versions, cipher suites), its file checks, and certificate reload.
@Suite struct TLSPolicyTests {
    private func pki() throws -> TestPKI { try TestPKI.shared.get() }

    private func startServer(certificate: String, key: String) async throws -> Harness {
        let tls = SIPTLSServerConfiguration(certificateChainFile: certificate, privateKeyFile: key)
        return try await Harness.start(SIPTransportConfiguration(listeners: [.init(transport: .tls, host: "127.0.0.1", port: 0, tls: tls)]))
    }

    @Test func tls12AndTls13WithModernSuitesAreAcceptedOlderVersionsAndCBCAreNot() async throws {
        let pki = try pki()
        let server = try await startServer(certificate: pki.serverCertificateFile, key: pki.serverKeyFile)
        let address = server.listener(.tls).localAddress
        // The client's context must build (a suite name BoringSSL does not know would make a
        // refusal test pass for the wrong reason); only the handshake may fail.
        func handshake(_ configure: (inout TLSConfiguration) -> Void) async throws -> TLSVersion? {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            configure(&configuration)
            let context = try NIOSSLContext(configuration: configuration)
            return try? await TLSProbe.handshake(to: address, context).version
        }
        #expect(try await handshake { $0.maximumTLSVersion = .tlsv13; $0.minimumTLSVersion = .tlsv13 } == .tlsv13)
        #expect(try await handshake { $0.maximumTLSVersion = .tlsv12 } == .tlsv12)
        #expect(try await handshake { $0.maximumTLSVersion = .tlsv12; $0.cipherSuites = "ECDHE-ECDSA-CHACHA20-POLY1305" } == .tlsv12)
        #expect(try await handshake { $0.minimumTLSVersion = .tlsv11; $0.maximumTLSVersion = .tlsv11 } == nil)
        #expect(try await handshake { $0.minimumTLSVersion = .tlsv1; $0.maximumTLSVersion = .tlsv1 } == nil)
        #expect(try await handshake { $0.maximumTLSVersion = .tlsv12; $0.cipherSuites = "ECDHE-ECDSA-AES128-SHA" } == nil)
        #expect(try await handshake { $0.maximumTLSVersion = .tlsv12; $0.cipherSuites = "ECDHE-ECDSA-AES256-SHA" } == nil)
        await server.stop()
    }

    /// Outbound connections (to trunks) hold to the same policy: a server offering only TLS 1.1,
    /// or TLS 1.2 with only a CBC suite, gets no SIP; a modern one does.
    @Test func outboundConnectionsRefuseOldVersionsAndCBCSuites() async throws {
        let pki = try pki()
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.caFile)))
        func serve(_ configure: (inout TLSConfiguration) -> Void) async throws -> (any Channel, Mailbox<String>) {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(pki.serverCertificateFile).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: pki.serverKeyFile, format: .pem)))
            configure(&configuration)
            let context = try NIOSSLContext(configuration: configuration)
            let received = Mailbox<String>()
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        let promise = channel.eventLoop.makePromise(of: Void.self)
                        promise.futureResult.whenFailure { _ in }
                        try channel.pipeline.syncOperations.addHandler(TLSProbe.Collector(handshake: promise, received: received))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            return (channel, received)
        }
        let cases: [(String, (inout TLSConfiguration) -> Void, Bool)] = [
            ("TLS 1.1 only", { $0.minimumTLSVersion = .tlsv11; $0.maximumTLSVersion = .tlsv11 }, false),
            ("TLS 1.2 CBC only", { $0.maximumTLSVersion = .tlsv12; $0.cipherSuites = "ECDHE-ECDSA-AES128-SHA" }, false),
            ("TLS 1.2 AES-GCM", { $0.maximumTLSVersion = .tlsv12; $0.cipherSuites = "ECDHE-ECDSA-AES128-GCM-SHA256" }, true),
        ]
        for (index, (name, configure, accepted)) in cases.enumerated() {
            let (server, received) = try await serve(configure)
            let address = try #require(server.localAddress)
            let target = SIPTransportTarget(address: address, transport: .tls, serverName: "localhost")
            let message = try Messages.parse(Messages.options(via: "SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKout\(index)", uri: "sips:x@localhost"))
            let sent: Bool
            do {
                try await client.manager.send(message, to: target)
                sent = true
            } catch {
                sent = false
            }
            #expect(sent == accepted, "\(name)")
            if accepted { #expect(try await received.next("\(name): the OPTIONS").contains("OPTIONS sips:x@localhost")) }
            try await server.close()
        }
        await client.stop()
    }

    /// The outbound context is rebuilt by a reload too: a trust-root file replaced by the right
    /// CA makes the server trusted; a broken replacement keeps the running context.
    @Test func reloadRebuildsTheOutboundContext() async throws {
        let pki = try pki()
        let roots = pki.directory + "/roots-\(UInt32.random(in: 0...UInt32.max)).pem"
        func install(_ source: String) throws {
            try? FileManager.default.removeItem(atPath: roots)
            try FileManager.default.copyItem(atPath: source, toPath: roots)
        }
        try install(pki.otherCAFile)
        let server = try await startServer(certificate: pki.serverCertificateFile, key: pki.serverKeyFile)
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: roots)))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls, serverName: "localhost")
        func send(_ branch: String) async -> Bool {
            do {
                let message = try Messages.parse(Messages.options(via: "SIP/2.0/TLS 127.0.0.1:5061;branch=\(branch)", uri: "sips:x@localhost"))
                try await client.manager.send(message, to: target)
                return true
            } catch {
                return false
            }
        }
        #expect(await send("z9hG4bKroots1") == false)
        // The refused connection closes asynchronously: wait until it has left the table.
        let key = SIPConnectionKey(remote: target.address, transport: .tls)
        for _ in 0..<200 where client.manager.connection(for: key) != nil { try await Task.sleep(for: .milliseconds(10)) }
        try install(pki.caFile)
        let outcomes = client.manager.reloadTLSCertificates()
        #expect(outcomes.map(\.listener) == ["outbound"])
        #expect((try? outcomes.first?.result.get()) == "none")
        #expect(await send("z9hG4bKroots2"))
        try install(pki.serverKeyFile)
        #expect(client.manager.reloadTLSCertificates().first.map { if case .failure(.invalidCertificate(.trustRoots, _)) = $0.result { true } else { false } } == true)
        client.manager.closeConnection(try #require(client.manager.connection(for: key)))
        for _ in 0..<200 where client.manager.connection(for: key) != nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await send("z9hG4bKroots3"), "a new connection with the running context")
        await client.stop()
        await server.stop()
    }

    /// A peer that connects and never completes the handshake is closed after the handshake
    /// timeout, not the idle timeout; a completed handshake is not affected.
    @Test func aStalledHandshakeIsClosed() async throws {
        let pki = try pki()
        let tls = SIPTLSServerConfiguration(certificateChainFile: pki.serverCertificateFile, privateKeyFile: pki.serverKeyFile)
        let server = try await Harness.start(SIPTransportConfiguration(
            listeners: [.init(transport: .tls, host: "127.0.0.1", port: 0, tls: tls)], tlsHandshakeTimeout: .milliseconds(300)))
        let address = server.listener(.tls).localAddress
        let closed = Mailbox<String>()
        let silent = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.closeFuture.whenComplete { _ in closed.put("closed") }
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .connect(to: address).get()
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .none
        let completed = try await TLSProbe.handshake(to: address, client, keepOpen: true)
        #expect(try await closed.next("the silent connection closed", seconds: 3) == "closed")
        #expect(server.manager.counters.tlsHandshakeTimeouts == 1)
        // The connection that completed its handshake outlives the timeout.
        try await Task.sleep(for: .milliseconds(400))
        try await completed.channel?.writeAndFlush(ByteBuffer(string: "\r\n\r\n")).get()
        #expect(try await completed.received.next("CRLF pong after the timeout") == "\r\n")
        try await completed.channel?.close()
        try? await silent.close()
        await server.stop()
    }

    @Test func filesAreCheckedOneByOne() throws {
        let pki = try pki()
        func check(_ certificate: String, _ key: String, ca: String? = nil) -> SIPTLSFileError? {
            let tls = SIPTLSServerConfiguration(
                certificateChainFile: certificate, privateKeyFile: key,
                clientCertificates: ca.map { .required(trustRootsFile: $0) } ?? .none)
            do { _ = try SIPTLSContextFactory.serverContext(tls) } catch { return error }
            return nil
        }
        #expect(check(pki.serverCertificateFile, pki.serverKeyFile, ca: pki.caFile) == nil)
        #expect(check(pki.directory + "/nope.pem", pki.serverKeyFile) == .missing(.certificate, path: pki.directory + "/nope.pem"))
        #expect(check(pki.serverCertificateFile, pki.directory) == .unreadable(.key, path: pki.directory))
        #expect(check(pki.serverKeyFile, pki.serverKeyFile) == .invalidCertificate(.certificate, path: pki.serverKeyFile))
        #expect(check(pki.serverCertificateFile, pki.serverCertificateFile) == .invalidKey(path: pki.serverCertificateFile))
        #expect(check(pki.serverCertificateFile, pki.ipServerKeyFile)
            == .keyDoesNotMatchCertificate(key: pki.ipServerKeyFile, certificate: pki.serverCertificateFile))
        #expect(check(pki.serverCertificateFile, pki.serverKeyFile, ca: pki.serverKeyFile)
            == .invalidCertificate(.trustRoots, path: pki.serverKeyFile))
    }

    @Test func reloadServesTheNewCertificateToNewConnectionsAndKeepsTheOldOnesAndABrokenOneIsRefused() async throws {
        let pki = try pki()
        let directory = pki.directory + "/reload-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (certificate, key) = (directory + "/cert.pem", directory + "/key.pem")
        func install(_ certificateSource: String, _ keySource: String) throws {
            for (source, target) in [(certificateSource, certificate), (keySource, key)] {
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.copyItem(atPath: source, toPath: target)
            }
        }
        try install(pki.serverCertificateFile, pki.serverKeyFile)
        let server = try await startServer(certificate: certificate, key: key)
        let address = server.listener(.tls).localAddress
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateVerification = .none
        let serial = { (file: String) in SIPTransportManager.hex(try NIOSSLCertificate.fromPEMFile(file)[0].serialNumber) }

        let old = try await TLSProbe.handshake(to: address, client, keepOpen: true)
        #expect(old.serial == (try serial(pki.serverCertificateFile)))

        try install(pki.ipServerCertificateFile, pki.ipServerKeyFile)
        let outcomes = server.manager.reloadTLSCertificates()
        #expect(outcomes.count == 1)
        #expect((try? outcomes.first?.result.get()) == (try serial(pki.ipServerCertificateFile)))
        #expect(try await TLSProbe.handshake(to: address, client).serial == (try serial(pki.ipServerCertificateFile)))
        // The connection set up before the reload still carries SIP.
        try await old.channel?.writeAndFlush(ByteBuffer(string: "\r\n\r\n")).get()
        #expect(try await old.received.next("CRLF pong on the old connection") == "\r\n")

        // A key that does not match: the running certificate stays.
        try install(pki.serverCertificateFile, pki.ipServerKeyFile)
        let broken = server.manager.reloadTLSCertificates()
        #expect(broken.first.map { if case .failure(.keyDoesNotMatchCertificate) = $0.result { true } else { false } } == true)
        #expect(try await TLSProbe.handshake(to: address, client).serial == (try serial(pki.ipServerCertificateFile)))
        try await old.channel?.close()
        await server.stop()
    }
}

/// A bare NIOSSL client: handshakes, reports the version and the server's certificate serial.
enum TLSProbe {
    struct Result: Sendable {
        let version: TLSVersion?
        let serial: String?
        /// The open channel when `keepOpen`, with what it receives.
        let channel: (any Channel)?
        let received: Mailbox<String>
    }

    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let handshake: EventLoopPromise<Void>
        let received: Mailbox<String>
        init(handshake: EventLoopPromise<Void>, received: Mailbox<String>) {
            self.handshake = handshake
            self.received = received
        }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event { handshake.succeed() }
            context.fireUserInboundEventTriggered(event)
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.put(String(buffer: unwrapInboundIn(data)))
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            handshake.fail(error)
            context.close(promise: nil)
        }
        func channelInactive(context: ChannelHandlerContext) {
            handshake.fail(ChannelError.eof)
        }
    }

    static func handshake(to address: SocketAddress, _ configuration: TLSConfiguration, keepOpen: Bool = false) async throws -> Result {
        try await handshake(to: address, try NIOSSLContext(configuration: configuration), keepOpen: keepOpen)
    }

    static func handshake(to address: SocketAddress, _ context: NIOSSLContext, keepOpen: Bool = false) async throws -> Result {
        let received = Mailbox<String>()
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.any().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    try channel.pipeline.syncOperations.addHandler(Collector(handshake: promise, received: received))
                }
            }
            .connect(to: address).get()
        do {
            try await promise.futureResult.get()
        } catch {
            try? await channel.close()
            throw error
        }
        let version = try await channel.nioSSL_tlsVersion().get()
        let certificate = try await channel.nioSSL_peerCertificate().get()
        let result = Result(
            version: version, serial: certificate.map { SIPTransportManager.hex($0.serialNumber) },
            channel: keepOpen ? channel : nil, received: received)
        if !keepOpen { try? await channel.close() }
        return result
    }
}
