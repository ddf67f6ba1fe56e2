import NIOCore
import SIPCore

/// The UDP listener's handler: one datagram is one message (RFC 3261 §18.3). Malformed
/// datagrams are answered or dropped and counted; nothing a peer sends closes the listener.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let manager: SIPTransportManager
    private let parser: SIPParser
    private var listener: SIPListener?
    /// The receive queue's fill sampled at the start of the current read burst.
    private var backlog = 0.0
    private var sampleDue = true

    init(manager: SIPTransportManager, parser: SIPParser) {
        self.manager = manager
        self.parser = parser
    }

    func channelActive(context: ChannelHandlerContext) {
        listener = context.channel.localAddress.map { SIPListener(transport: .udp, localAddress: $0) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source = envelope.remoteAddress
        let bytes = Array(envelope.data.readableBytesView)
        if sampleDue {
            sampleDue = false
            backlog = Self.receiveQueueFill(of: context.channel)
        }
        switch SIPInboundProcessing.datagram(bytes, source: source, parser: parser) {
        case .deliver(let message):
            let messageContext = SIPMessageContext(
                source: source, transport: .udp, listener: listener, connection: nil, eventLoop: context.eventLoop,
                receiveBacklog: backlog)
            manager.deliver(message, context: messageContext)
        case .respond(let response, let defect):
            // The error response goes straight back to the packet's source (as rport would):
            // the defective request's Via may be what is wrong.
            manager.count {
                $0.parseErrors += 1
                $0.errorResponsesSent += 1
            }
            manager.logger.debug("malformed SIP datagram answered", metadata: ["source": "\(source)", "defect": "\(defect)"])
            var buffer = context.channel.allocator.buffer(capacity: 512)
            response.write(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: source, data: buffer)), promise: nil)
        case .drop(let defect):
            manager.count {
                $0.parseErrors += 1
                $0.malformedDropped += 1
            }
            manager.logger.debug("malformed SIP datagram dropped", metadata: ["source": "\(source)", "defect": "\(defect)"])
        case .keepAlive:
            manager.count { $0.keepAliveDatagrams += 1 }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        sampleDue = true
        context.fireChannelReadComplete()
    }

    /// How full the socket's kernel receive queue is (0…1 of its buffer): Linux's `SO_MEMINFO`
    /// gives the queued bytes first and the buffer size second (`SK_MEMINFO_RMEM_ALLOC`,
    /// `SK_MEMINFO_RCVBUF`, 32 bits each); the kernel copies as many as the option value holds
    /// (NIO's is 64 bits wide: both in one `getsockopt` per read burst). 0 where unavailable.
    static func receiveQueueFill(of channel: any Channel) -> Double {
        #if os(Linux)
        guard let options = channel.syncOptions,
              let value = try? options.getOption(ChannelOptions.socketOption(Self.soMeminfo))
        else { return 0 }
        let raw = UInt64(truncatingIfNeeded: value)
        let queued = Double(raw & 0xFFFF_FFFF)
        var size = Double(raw >> 32)
        if MemoryLayout<SocketOptionValue>.size < 8 || size == 0 {
            guard let buffer = try? options.getOption(ChannelOptions.socketOption(.so_rcvbuf)) else { return 0 }
            size = Double(UInt32(truncatingIfNeeded: buffer))
        }
        return size > 0 ? queued / size : 0
        #else
        return 0
        #endif
    }

    /// `SO_MEMINFO` (Linux ≥ 4.6).
    static let soMeminfo = NIOBSDSocket.Option(rawValue: 55)
    /// Linux `SO_RCVBUFFORCE` (socket(7)): `SO_RCVBUF` past `net.core.rmem_max`, with CAP_NET_ADMIN.
    static let soReceiveBufferForce = NIOBSDSocket.Option(rawValue: 33)

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (ECONNREFUSED from an earlier send) and the like: a UDP listener stays up.
        manager.logger.debug("UDP listener error", metadata: ["error": "\(error)"])
    }
}
