#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOPosix
import NIOSSL
import SIPCore

// Binding listeners, opening outbound connections and building TLS contexts.

extension SIPTransportManager {
    /// Binds one listener; a UDP listener also gets the descriptor every loop sends on.
    func bind(_ listener: SIPListenerConfiguration, index: Int) async throws -> (any Channel, UDPSendSocket?) {
        switch listener.transport {
        case .udp:
            if listener.port != 0 {
                // The listener's SO_REUSEADDR would let a second process bind the same fixed UDP
                // port and take part of its traffic: a plain socket bound first (no options)
                // fails with "address in use" when anyone holds the port.
                try await DatagramBootstrap(group: group).bind(host: listener.host, port: listener.port).get().close()
            }
            // Bound here rather than by NIO so that the gateway holds the descriptor (a duplicate)
            // and sends from whichever loop the call runs on (UDPSendSocket).
            let address = try SocketAddress.makeAddressResolvingHost(listener.host, port: listener.port)
            let descriptor = try UDPSendSocket.bound(to: address)
            let sender: UDPSendSocket
            do {
                sender = try UDPSendSocket(duplicating: descriptor)
            } catch {
                close(descriptor)
                throw error
            }
            // NIO owns `descriptor` from here (it closes it on failure too).
            return (try await datagramBootstrap(on: group).withBoundSocket(descriptor).get(), sender)
        case .tcp, .tls:
            let isTLS = listener.transport == .tls
            if isTLS {
                guard let tls = listener.tls else {
                    throw SIPTransportError.missingTLSConfiguration(listener: "\(listener.host):\(listener.port)")
                }
                let context = try SIPTLSContextFactory.serverContext(tls)
                state.withLockedValue { $0.serverContexts[index] = context }
            }
            let transport = listener.transport
            let idleTimeout = configuration.idleTimeout
            let handshakeTimeout = configuration.tlsHandshakeTimeout
            let limits = configuration.streamLimits
            return (try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        // The context in force when the connection arrives: a certificate reload
                        // changes it for new connections only.
                        if isTLS {
                            guard let serverContext = self.serverContext(index) else {
                                throw SIPTransportError.missingTLSConfiguration(listener: "\(index)")
                            }
                            try pipeline.addHandler(NIOSSLServerHandler(context: serverContext))
                            try pipeline.addHandler(SIPTLSHandshakeTimeout(timeout: handshakeTimeout) {
                                self.count { $0.tlsHandshakeTimeouts += 1 }
                            })
                        }
                        try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                        try pipeline.addHandler(
                            SIPStreamHandler(
                                manager: self, id: self.makeConnectionID(), transport: transport,
                                isInbound: true, limits: limits))
                    }
                }
                .bind(host: listener.host, port: listener.port).get(), nil)
        }
    }

    /// A bootstrap for a UDP listener socket on `group`.
    func datagramBootstrap(on group: any EventLoopGroup) -> DatagramBootstrap {
        let parser = SIPParser(limits: configuration.datagramLimits)
        // NIO's default datagram buffer is 2048 bytes and would cut larger messages: size it
        // to hold the largest accepted message plus one byte (so an oversized one is seen
        // as such), up to the largest UDP payload.
        let capacity = min(65_536, max(2_048, configuration.datagramLimits.maxMessageSize + 1))
        return DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: capacity))
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(configuration.udpReceiveBuffer))
            .channelInitializer { [receiveBuffer = configuration.udpReceiveBuffer] channel in
                channel.eventLoop.makeCompletedFuture {
                    // Past net.core.rmem_max when privileged (CAP_NET_ADMIN); else the capped SO_RCVBUF stays.
                    try? channel.syncOptions?.setOption(.socketOption(SIPDatagramHandler.soReceiveBufferForce),
                                                        value: SocketOptionValue(receiveBuffer))
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(manager: self, parser: parser))
                }
            }
    }

    /// Opens a stream connection to `target`; the handler enters it in the connection table
    /// when it becomes active.
    func connect(_ target: SIPTransportTarget) -> EventLoopFuture<any Channel> {
        let transport = target.transport
        let idleTimeout = configuration.idleTimeout
        let limits = configuration.streamLimits
        let context = state.withLockedValue { $0.clientContext }
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
}
