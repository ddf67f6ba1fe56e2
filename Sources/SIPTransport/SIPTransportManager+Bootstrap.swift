import NIOCore
import NIOPosix
import NIOSSL
import SIPCore

// Binding listeners, opening outbound connections and building TLS contexts.

extension SIPTransportManager {
    /// Binds one listener.
    func bind(_ listener: SIPListenerConfiguration) async throws -> any Channel {
        switch listener.transport {
        case .udp:
            let parser = SIPParser(limits: configuration.datagramLimits)
            // NIO's default datagram buffer is 2048 bytes and would cut larger messages: size it
            // to hold the largest accepted message plus one byte (so an oversized one is seen
            // as such), up to the largest UDP payload.
            let capacity = min(65_536, max(2_048, configuration.datagramLimits.maxMessageSize + 1))
            return try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: capacity))
                .channelOption(.maxMessagesPerRead, value: 16)
                .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.udpReceiveBuffer))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            SIPDatagramHandler(manager: self, parser: parser))
                    }
                }
                .bind(host: listener.host, port: listener.port).get()
        case .tcp, .tls:
            let serverContext: NIOSSLContext?
            if listener.transport == .tls {
                guard let tls = listener.tls else {
                    throw SIPTransportError.missingTLSConfiguration(listener: "\(listener.host):\(listener.port)")
                }
                serverContext = try Self.makeServerContext(tls)
            } else {
                serverContext = nil
            }
            let transport = listener.transport
            let idleTimeout = configuration.idleTimeout
            let limits = configuration.streamLimits
            return try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let serverContext { try pipeline.addHandler(NIOSSLServerHandler(context: serverContext)) }
                        try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try pipeline.addHandler(
                            SIPStreamHandler(
                                manager: self, id: self.makeConnectionID(), transport: transport,
                                isInbound: true, limits: limits))
                    }
                }
                .bind(host: listener.host, port: listener.port).get()
        }
    }

    /// Opens a stream connection to `target`; the handler enters it in the connection table
    /// when it becomes active.
    func connect(_ target: SIPTransportTarget) -> EventLoopFuture<any Channel> {
        let transport = target.transport
        let idleTimeout = configuration.idleTimeout
        let limits = configuration.streamLimits
        let context = tlsClientContext
        // RFC 6066 §3: SNI carries a host name, never an IP literal.
        let serverName = target.serverName.flatMap { SIPAddressText.isIPLiteral($0) ? nil : $0 }
        let id = makeConnectionID()
        return ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if transport == .tls {
                        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try pipeline.addHandler(
                        SIPStreamHandler(manager: self, id: id, transport: transport, isInbound: false, limits: limits))
                }
            }
            .connect(to: target.address)
    }

    static func makeServerContext(_ tls: SIPTLSServerConfiguration) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainFile).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.privateKeyFile, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        switch tls.clientCertificates {
        case .none:
            configuration.certificateVerification = .none
        case .required(let trustRootsFile):
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = trustRootsFile.map { .file($0) } ?? .default
            configuration.sendCANameList = trustRootsFile != nil
        }
        return try NIOSSLContext(configuration: configuration)
    }

    static func makeClientContext(_ tls: SIPTLSClientConfiguration) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = tls.verifyHostname ? .fullVerification : .noHostnameVerification
        configuration.trustRoots = tls.trustRootsFile.map { .file($0) } ?? .default
        if let chainFile = tls.certificateChainFile, let keyFile = tls.privateKeyFile {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(chainFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }
}
