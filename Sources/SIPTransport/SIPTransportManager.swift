import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SIPCore

/// Owns every SIP socket: the listeners (UDP, TCP, TLS; IPv4 and IPv6), the stream
/// connections in both directions and the connection table.
///
/// ```swift
/// let transport = try SIPTransportManager(configuration: config, group: group) { inbound in
///     // on inbound.context.eventLoop
///     stack.receive(inbound)
/// }
/// let listeners = try await transport.start()
/// try await transport.sendResponse(response, for: inbound.context)
/// try await transport.send(request, to: SIPTransportTarget(host: "192.0.2.7", port: 5060, transport: .udp))
/// ```
///
/// The handlers only move bytes; the rules are pure types: `SIPViaReceipt` (received/rport),
/// `SIPResponseRouting` (§18.2.2), `SIPRequestSizeRule` (§18.1.1), `SIPConnectionTable`
/// (reuse), `SIPInboundProcessing` (malformed input).
public final class SIPTransportManager: Sendable {
    /// The callback for inbound messages; called on the receiving event loop.
    public typealias InboundHandler = @Sendable (SIPInboundMessage) -> Void

    /// The configuration the manager was created with.
    public let configuration: SIPTransportConfiguration
    let group: any EventLoopGroup
    let logger: Logger
    let onInbound: InboundHandler
    let state: NIOLockedValueBox<State>

    /// A bound listener: its address and its socket.
    struct BoundListener {
        var listener: SIPListener
        var channel: any Channel
        /// UDP: the socket's duplicate every loop sends on (nil for TCP/TLS).
        var sender: UDPSendSocket?
    }

    struct State {
        var listeners: [BoundListener] = []
        var connections = SIPConnectionTable<any Channel>()
        var pendingConnects: [SIPConnectionKey: EventLoopFuture<any Channel>] = [:]
        var nextConnectionID: UInt64 = 1
        var counters = SIPTransportCounters()
        var isShutDown = false
        /// The TLS context of each TLS listener, by its index in `configuration.listeners`.
        var serverContexts: [Int: NIOSSLContext] = [:]
        /// The context new outbound TLS connections get (replaced by a certificate reload).
        var clientContext: NIOSSLContext
    }

    /// Creates the manager; nothing is bound until `start()`. Throws when the TLS client
    /// configuration's files cannot be loaded.
    public init(
        configuration: SIPTransportConfiguration, group: any EventLoopGroup,
        logger: Logger = Logger(label: "gatehouse.sip.transport"), onInbound: @escaping InboundHandler
    ) throws {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.onInbound = onInbound
        self.state = NIOLockedValueBox(State(clientContext: try SIPTLSContextFactory.clientContext(configuration.tlsClient)))
    }

    /// Binds every configured listener, in order; on failure, those already bound are closed.
    /// Returns the listeners with their actual local addresses.
    @discardableResult
    public func start() async throws -> [SIPListener] {
        var bound: [BoundListener] = []
        do {
            for (index, listenerConfiguration) in configuration.listeners.enumerated() {
                let (channel, sender) = try await bind(listenerConfiguration, index: index)
                guard let local = channel.localAddress else {
                    try? await channel.close()
                    throw SIPTransportError.invalidAddress(listenerConfiguration.host)
                }
                let listener = SIPListener(transport: listenerConfiguration.transport, localAddress: local)
                bound.append(BoundListener(listener: listener, channel: channel, sender: sender))
                logger.info("SIP listener bound", metadata: ["listener": "\(listener)"])
            }
        } catch {
            for entry in bound { try? await entry.channel.close() }
            throw error
        }
        state.withLockedValue { $0.listeners.append(contentsOf: bound) }
        return bound.map(\.listener)
    }

    /// The bound listeners.
    public var listeners: [SIPListener] { state.withLockedValue { $0.listeners.map(\.listener) } }

    /// The first bound listener of `transport` (what `listeners.first { $0.transport == transport }`
    /// gives, without building the list: a tracer asks on every message).
    public func firstListener(of transport: SIPTransportProtocol) -> SIPListener? {
        state.withLockedValue { state in state.listeners.first { $0.listener.transport == transport }?.listener }
    }

    /// A snapshot of the counters.
    public var counters: SIPTransportCounters { state.withLockedValue { $0.counters } }

    /// The number of open stream connections.
    public var connectionCount: Int { state.withLockedValue { $0.connections.count } }

    /// The open connection for `key`, if any (a peer that connected to us, or one we opened).
    public func connection(for key: SIPConnectionKey) -> SIPConnectionID? {
        state.withLockedValue { $0.connections.entry(for: key)?.id }
    }

    /// Closes a stream connection (for example when a registration using it expires).
    public func closeConnection(_ id: SIPConnectionID) {
        let channel = state.withLockedValue { $0.connections.entry(id)?.connection }
        channel?.close(promise: nil)
    }

    /// Closes every listener and connection. Sends afterwards fail with `.shutDown`.
    public func shutdown() async {
        let (listeners, connections) = state.withLockedValue { state in
            state.isShutDown = true
            return (state.listeners.map(\.channel), state.connections.entries.map(\.connection))
        }
        for channel in listeners + connections { try? await channel.close() }
        state.withLockedValue { $0.listeners.removeAll() }
    }

    /// The §18.1.1 decision for a request about to be sent over `transport`.
    public func sizeDecision(for request: SIPMessage, transport: SIPTransportProtocol, peerSupportsTCP: Bool = true)
        -> SIPRequestSizeRule.Decision
    {
        SIPRequestSizeRule(pathMTU: configuration.pathMTU).decision(
            for: request, transport: transport, peerSupportsTCP: peerSupportsTCP)
    }

    func count(_ update: (inout SIPTransportCounters) -> Void) {
        state.withLockedValue { update(&$0.counters) }
    }

    func makeConnectionID() -> SIPConnectionID {
        state.withLockedValue { state in
            defer { state.nextConnectionID += 1 }
            return SIPConnectionID(rawValue: state.nextConnectionID)
        }
    }

    func registerConnection(_ channel: any Channel, id: SIPConnectionID, key: SIPConnectionKey, isInbound: Bool) {
        let limit = configuration.maxInboundConnections
        let perSource = configuration.maxInboundConnectionsPerSource
        let accepted = state.withLockedValue { state -> Bool in
            guard !state.isShutDown else { return false }
            if isInbound {
                guard state.connections.inboundCount < limit, state.connections.inboundCount(fromHostOf: key) < perSource else {
                    state.counters.connectionsRefused += 1
                    return false
                }
                state.counters.connectionsAccepted += 1
            } else {
                state.counters.connectionsOpened += 1
            }
            state.connections.insert(channel, id: id, key: key, isInbound: isInbound)
            return true
        }
        guard accepted else {
            logger.info("SIP connection refused", metadata: ["peer": "\(key)"])
            channel.close(promise: nil)
            return
        }
        logger.debug("SIP connection open", metadata: ["connection": "\(id)", "peer": "\(key)"])
    }

    func unregisterConnection(_ id: SIPConnectionID) {
        state.withLockedValue { _ = $0.connections.remove(id) }
        logger.debug("SIP connection closed", metadata: ["connection": "\(id)"])
    }

    func deliver(_ message: SIPMessage, context: SIPMessageContext) {
        count { $0.messagesReceived += 1 }
        onInbound(SIPInboundMessage(message: message, context: context))
    }
}
