import NIOCore

/// The pipeline's only handler on a media socket: hands each datagram to the session's
/// `RelayCore` and flushes the batched writes once per read burst (one `sendmmsg`,
/// C-LIBRARIES.md).
final class MediaChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: NIOLoopBound<RelayCore>
    private let leg: MediaLeg
    private let isRTCPPort: Bool

    init(core: NIOLoopBound<RelayCore>, leg: MediaLeg, isRTCPPort: Bool) {
        self.core = core
        self.leg = leg
        self.isRTCPPort = isRTCPPort
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if isRTCPPort {
            core.value.receiveRTCP(from: leg, envelope: envelope)
        } else {
            core.value.receive(from: leg, envelope: envelope)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        core.value.flushPending()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A UDP send or receive error (ICMP unreachable from a peer that went away) must not
        // close the port; the media timeout ends dead calls.
    }
}
