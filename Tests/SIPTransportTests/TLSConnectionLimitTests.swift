import NIOCore
import NIOPosix
import SIPCore
import Testing

@testable import SIPTransport

/// The per-source connection limit (issue 10 "TCP connections per source") on a TLS listener:
/// a connection counts from its TCP accept, before the handshake, so a source cannot hold more
/// by never finishing handshakes.
@Suite struct TLSConnectionLimitTests {
    @Test func tlsConnectionsOverTheLimitPerSourceAreClosedOnArrival() async throws {
        let pki = try TestPKI.shared.get()
        let tls = SIPTLSServerConfiguration(certificateChainFile: pki.serverCertificateFile, privateKeyFile: pki.serverKeyFile)
        var configuration = SIPTransportConfiguration(listeners: [.init(transport: .tls, host: "127.0.0.1", port: 0, tls: tls)])
        configuration.maxInboundConnectionsPerSource = 1
        configuration.tlsHandshakeTimeout = .seconds(30)
        let server = try await Harness.start(configuration)
        let client = try await Harness.start(SIPTransportConfiguration(listeners: [], tlsClient: .init(trustRootsFile: pki.caFile)))
        let target = SIPTransportTarget(address: server.listener(.tls).localAddress, transport: .tls, serverName: "localhost")
        let request = try Messages.parse(Messages.options(via: "SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKlimit1",
                                                          uri: "sips:gatehouse@localhost"))
        try await client.manager.send(request, to: target)
        #expect(try await server.inbound.next("TLS request").message.topViaBranch == "z9hG4bKlimit1")
        // A second connection from 127.0.0.1 is closed at once, before any handshake (the
        // handshake timeout is 30 s).
        let second = try await RawTCPPeer.connect(to: server.listener(.tls).localAddress)
        #expect(await second.collector.bytes.waitUntilClosed(seconds: 5))
        #expect(server.manager.counters.connectionsRefused == 1)
        #expect(server.manager.counters.connectionsAccepted == 1)
        // The first still carries messages.
        let again = try Messages.parse(Messages.options(via: "SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKlimit2",
                                                        uri: "sips:gatehouse@localhost"))
        try await client.manager.send(again, to: target)
        #expect(try await server.inbound.next("TLS request on the first connection").message.topViaBranch == "z9hG4bKlimit2")
        await client.stop()
        await server.stop()
    }
}
