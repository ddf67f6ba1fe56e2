import NIOCore
import SIPCore

/// One TCP or TLS connection, inbound or outbound: frames messages with `SIPStreamParser`
/// (Content-Length, RFC 3261 §18.3), answers CRLFCRLF keep-alive pings with CRLF (RFC 5626
/// §3.5.1, §4.4.1), stamps requests' Via, and closes the connection when its framing is lost
/// or it stays idle. Only this connection is affected.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let manager: SIPTransportManager
    private let id: SIPConnectionID
    private let transport: SIPTransportProtocol
    private let isInbound: Bool
    private var parser: SIPStreamParser
    private var messageContext: SIPMessageContext?

    init(manager: SIPTransportManager, id: SIPConnectionID, transport: SIPTransportProtocol, isInbound: Bool, limits: SIPParseLimits) {
        self.manager = manager
        self.id = id
        self.transport = transport
        self.isInbound = isInbound
        self.parser = SIPStreamParser(limits: limits)
    }

    func channelActive(context: ChannelHandlerContext) {
        if let remote = context.channel.remoteAddress {
            let listener = isInbound
                ? context.channel.parent?.localAddress.map { SIPListener(transport: transport, localAddress: $0) } : nil
            messageContext = SIPMessageContext(
                source: remote, transport: transport, listener: listener, connection: id, eventLoop: context.eventLoop)
            manager.registerConnection(
                context.channel, id: id, key: SIPConnectionKey(remote: remote, transport: transport), isInbound: isInbound)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        manager.unregisterConnection(id)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        guard let messageContext else { return }
        while context.channel.isActive {
            do {
                guard let event = try parser.next() else { return }
                switch event {
                case .message(let message):
                    handle(SIPInboundProcessing.received(message, source: messageContext.source), context, messageContext)
                case .keepAlivePing:
                    manager.count { $0.keepAlivePingsAnswered += 1 }
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "\r\n")), promise: nil)
                case .keepAlivePong:
                    break
                }
            } catch {
                handle(SIPInboundProcessing.failure(error), context, messageContext)
                if parser.isFramingLost {
                    manager.count { $0.connectionsClosedForErrors += 1 }
                    manager.logger.info(
                        "closing SIP connection: framing lost",
                        metadata: ["connection": "\(id)", "peer": "\(messageContext.source)", "error": "\(error)"])
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    private func handle(_ outcome: SIPInboundOutcome, _ context: ChannelHandlerContext, _ messageContext: SIPMessageContext) {
        switch outcome {
        case .deliver(let message):
            manager.deliver(message, context: messageContext)
        case .respond(let response, let defect):
            manager.count {
                $0.parseErrors += 1
                $0.errorResponsesSent += 1
            }
            manager.logger.debug("malformed SIP message answered", metadata: ["connection": "\(id)", "defect": "\(defect)"])
            var buffer = context.channel.allocator.buffer(capacity: 512)
            response.write(into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .drop(let defect):
            manager.count {
                $0.parseErrors += 1
                $0.malformedDropped += 1
            }
            manager.logger.debug("malformed SIP message dropped", metadata: ["connection": "\(id)", "defect": "\(defect)"])
        case .keepAlive:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            manager.count { $0.connectionsClosedIdle += 1 }
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        manager.logger.debug("SIP connection error", metadata: ["connection": "\(id)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
