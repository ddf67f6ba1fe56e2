import NIOCore
import NIOPosix
import SIPCore

// Sending: to a resolved target, and responses per RFC 3261 §18.2.2.

extension SIPTransportManager {
    /// Sends `message` to `target`. For TCP/TLS an open connection to the target is reused
    /// (whichever side opened it), else one is opened; UDP datagrams leave from a UDP listener
    /// of the target's address family, so the source port is the listening port.
    ///
    /// The caller applies the §18.1.1 size rule first (`sizeDecision(for:transport:)`).
    public func send(_ message: SIPMessage, to target: SIPTransportTarget) -> EventLoopFuture<Void> {
        var buffer = ByteBuffer()
        message.write(into: &buffer)
        return send(bytes: buffer, to: target)
    }

    /// Sends already serialized bytes to `target` (see `send(_:to:)`).
    public func send(bytes: ByteBuffer, to target: SIPTransportTarget, from listener: SIPListener? = nil) -> EventLoopFuture<Void> {
        switch target.transport {
        case .udp:
            return sendDatagram(bytes, to: target.address, from: listener)
        case .tcp, .tls:
            return counted(streamChannel(for: target).flatMap { channel in channel.writeAndFlush(bytes) })
        }
    }

    /// Sends `message` on an open stream connection; fails with `.connectionClosed` when it is
    /// gone.
    public func send(_ message: SIPMessage, on connection: SIPConnectionID) -> EventLoopFuture<Void> {
        guard let channel = state.withLockedValue({ $0.connections.entry(connection)?.connection }) else {
            count { $0.sendFailures += 1 }
            return group.any().makeFailedFuture(SIPTransportError.connectionClosed(connection))
        }
        var buffer = channel.allocator.buffer(capacity: 1_024)
        message.write(into: &buffer)
        return counted(channel.writeAndFlush(buffer))
    }

    /// Sends a CRLFCRLF keep-alive ping on a stream connection (RFC 5626 §3.5.1, §4.4.1), for
    /// example to keep a trunk connection's NAT binding alive; the peer answers with CRLF.
    public func sendKeepAlivePing(on connection: SIPConnectionID) -> EventLoopFuture<Void> {
        guard let channel = state.withLockedValue({ $0.connections.entry(connection)?.connection }) else {
            return group.any().makeFailedFuture(SIPTransportError.connectionClosed(connection))
        }
        return channel.writeAndFlush(ByteBuffer(string: "\r\n\r\n"))
    }

    /// Sends a response to a request that arrived with `context` (RFC 3261 §18.2.2): over the
    /// request's connection while it is open; else to the address `SIPResponseRouting` picks
    /// from the top Via. Fails with `.targetNeedsResolution` when that address is a domain
    /// name (the caller resolves it per RFC 3263 §5 and uses `send(_:to:)`).
    public func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) -> EventLoopFuture<Void> {
        sendResponse(response, serialized: nil, for: context)
    }

    /// `sendResponse(_:for:)` for a response the caller has already serialized (a tracer that
    /// records the bytes): `bytes` must be `response.serialized()`; they are sent as they are.
    public func sendResponse(_ response: SIPMessage, serialized bytes: [UInt8]?, for context: SIPMessageContext)
        -> EventLoopFuture<Void>
    {
        sendResponse(response, serializedBuffer: bytes.map { ByteBuffer(bytes: $0) }, for: context)
    }

    /// `sendResponse(_:for:)` for a response the caller has already serialized into a buffer:
    /// `buffer` must hold `response.serialized()`; it is sent as it is, without a copy.
    public func sendResponse(_ response: SIPMessage, serializedBuffer bytes: ByteBuffer?, for context: SIPMessageContext)
        -> EventLoopFuture<Void>
    {
        let via: Via
        do {
            guard let top = try response.topVia else { throw SIPTransportError.unroutableResponse(reason: "no Via") }
            via = top
        } catch {
            count { $0.sendFailures += 1 }
            return context.eventLoop.makeFailedFuture(SIPTransportError.unroutableResponse(reason: "\(error)"))
        }
        let target = SIPResponseRouting.target(for: via, arrivedOver: context.transport, connection: context.connection)
        if let id = target.connection, let channel = state.withLockedValue({ $0.connections.entry(id)?.connection }) {
            if let bytes { return counted(channel.writeAndFlush(bytes)) }
            var buffer = channel.allocator.buffer(capacity: 1_024)
            response.write(into: &buffer)
            return counted(channel.writeAndFlush(buffer))
        }
        guard let address = SIPAddressText.socketAddress(target.host, port: target.port) else {
            count { $0.sendFailures += 1 }
            return context.eventLoop.makeFailedFuture(
                SIPTransportError.targetNeedsResolution(host: target.host, port: target.port, transport: target.transport))
        }
        let buffer: ByteBuffer
        if let bytes {
            buffer = bytes
        } else {
            var written = ByteBuffer()
            response.write(into: &written)
            buffer = written
        }
        let listener = context.listener?.transport == target.transport ? context.listener : nil
        return send(bytes: buffer, to: SIPTransportTarget(address: address, transport: target.transport), from: listener)
    }

    /// Async form of `send(_:to:)`.
    public func send(_ message: SIPMessage, to target: SIPTransportTarget) async throws {
        try await send(message, to: target).get()
    }

    /// Async form of `sendResponse(_:for:)`.
    public func sendResponse(_ response: SIPMessage, for context: SIPMessageContext) async throws {
        try await sendResponse(response, for: context).get()
    }

    private func counted(_ future: EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        future.whenComplete { result in
            switch result {
            case .success: self.count { $0.messagesSent += 1 }
            case .failure: self.count { $0.sendFailures += 1 }
            }
        }
        return future
    }

    private func sendDatagram(_ bytes: ByteBuffer, to address: SocketAddress, from listener: SIPListener?) -> EventLoopFuture<Void> {
        let wantIPv6 = address.protocol == .inet6
        // A socket bound to a loopback address cannot send anywhere else: the kernel answers
        // EINVAL, and NIO closes a datagram channel on a write error, which would take the
        // listener down with it (a trunk probe from a loopback-only gateway did exactly that).
        let destinationIsLoopback = Self.isLoopback(address)
        // Runs per datagram: one pass over the listeners, no intermediate array.
        let found: BoundListener? = state.withLockedValue { state in
            var familyMatch: BoundListener?
            for entry in state.listeners where entry.listener.transport == .udp
                && (destinationIsLoopback || !Self.isLoopback(entry.listener.localAddress))
            {
                if let listener, entry.listener == listener { return entry }
                if familyMatch == nil, (entry.listener.localAddress.protocol == .inet6) == wantIPv6 {
                    familyMatch = entry
                    if listener == nil { break }
                }
            }
            return familyMatch
        }
        guard let found else {
            count { $0.sendFailures += 1 }
            return group.any().makeFailedFuture(SIPTransportError.noListener(.udp, ipv6: wantIPv6))
        }
        // On the calling loop, straight to the socket: no hop to the listener's loop, no
        // pipeline, no promise. A full send buffer falls back to the channel, which waits for it.
        if let sender = found.sender {
            let loop = MultiThreadedEventLoopGroup.currentEventLoop ?? found.channel.eventLoop
            switch sender.send(bytes, to: address) {
            case .sent:
                count { $0.messagesSent += 1 }
                return loop.makeSucceededVoidFuture()
            case .failed(let code):
                count { $0.sendFailures += 1 }
                return loop.makeFailedFuture(IOError(errnoCode: code, reason: "sendto \(address)"))
            case .wouldBlock:
                break
            }
        }
        return counted(found.channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: bytes)))
    }

    /// The open connection for `target`, a pending connect to it, or a new one.
    private func streamChannel(for target: SIPTransportTarget) -> EventLoopFuture<any Channel> {
        let key = SIPConnectionKey(remote: target.address, transport: target.transport)
        enum Found {
            case open(any Channel)
            case pending(EventLoopFuture<any Channel>)
            case connect(EventLoopPromise<any Channel>)
            case shutDown
        }
        // One lock: a second sender to the same key waits on the first one's connect.
        let found: Found = state.withLockedValue { state in
            if state.isShutDown { return .shutDown }
            if let entry = state.connections.entry(for: key) { return .open(entry.connection) }
            if let pending = state.pendingConnects[key] { return .pending(pending) }
            let promise = group.any().makePromise(of: (any Channel).self)
            state.pendingConnects[key] = promise.futureResult
            return .connect(promise)
        }
        switch found {
        case .open(let channel):
            return channel.eventLoop.makeSucceededFuture(channel)
        case .pending(let future):
            return future
        case .shutDown:
            return group.any().makeFailedFuture(SIPTransportError.shutDown)
        case .connect(let promise):
            // Outside the lock: connecting takes it again for a connection id.
            connect(target).cascade(to: promise)
            promise.futureResult.whenComplete { result in
                self.state.withLockedValue { state in
                    state.pendingConnects[key] = nil
                    if case .failure = result { state.counters.connectFailures += 1 }
                }
            }
            return promise.futureResult
        }
    }

    /// Whether `address` is in 127.0.0.0/8 or is ::1, read from the socket address bytes (this
    /// runs on every UDP send: no string conversion).
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            // Network byte order: the first octet is the first byte.
            return withUnsafeBytes(of: v4.address.sin_addr) { $0.first == 127 }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { bytes in
                bytes.count == 16 && bytes.prefix(15).allSatisfy { $0 == 0 } && bytes.last == 1
            }
        default:
            return false
        }
    }
}
