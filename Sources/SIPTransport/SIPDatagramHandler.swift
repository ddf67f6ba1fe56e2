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
        switch SIPInboundProcessing.datagram(bytes, source: source, parser: parser) {
        case .deliver(let message):
            let messageContext = SIPMessageContext(
                source: source, transport: .udp, listener: listener, connection: nil, eventLoop: context.eventLoop)
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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (ECONNREFUSED from an earlier send) and the like: a UDP listener stays up.
        manager.logger.debug("UDP listener error", metadata: ["error": "\(error)"])
    }
}
