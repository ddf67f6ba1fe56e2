import MediaRelay
import NIOCore
import NIOPosix
import SecureRTP

/// One fake phone: sends 20 ms packets to its relay port and records when each arrived from
/// the other side. Touched only on the generator's event loop thread.
final class Peer: @unchecked Sendable {
    let channel: any Channel
    let target: SocketAddress
    let payloadType: UInt8
    let payloads: [[UInt8]]
    let timestampStep: UInt32
    let ssrc: UInt32
    let srtp: SRTPSession?
    /// Monotonic send time of each packet (index = packet number).
    var sendTimes: [UInt64] = []
    var received = 0
    /// The peer whose packets this one receives (for latency matching by order).
    weak var source: Peer?
    var latencies: [UInt64] = []

    init(channel: any Channel, target: SocketAddress, codec: MediaCodec, payloads: [[UInt8]], ssrc: UInt32, srtp: SRTPSession?, packets: Int) {
        self.channel = channel
        self.target = target
        self.payloadType = codec.payloadType
        self.payloads = payloads
        self.timestampStep = UInt32(codec.format.clockRate / 50)
        self.ssrc = ssrc
        self.srtp = srtp
        sendTimes.reserveCapacity(packets)
        latencies.reserveCapacity(packets)
    }

    func sendNext() {
        let number = sendTimes.count
        let payload = payloads[number % payloads.count]
        var packet = channel.allocator.buffer(capacity: 12 + payload.count + 16)
        packet.writeInteger(UInt8(0x80))
        packet.writeInteger(payloadType)
        packet.writeInteger(UInt16(truncatingIfNeeded: number))
        packet.writeInteger(UInt32(truncatingIfNeeded: number) &* timestampStep)
        packet.writeInteger(ssrc)
        packet.writeBytes(payload)
        if let srtp { try? srtp.protectRTP(&packet) }
        sendTimes.append(NIODeadline.now().uptimeNanoseconds)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet), promise: nil)
    }

    func packetArrived(_ bytes: ByteBuffer) {
        // Count RTP only: transcoded legs also get the engine's own RTCP (payload types 200–206).
        if let type = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt8.self), (200...206).contains(type) { return }
        if let source, received < source.sendTimes.count {
            latencies.append(NIODeadline.now().uptimeNanoseconds &- source.sendTimes[received])
        }
        received += 1
    }
}

/// Counts datagrams for its peer.
final class PeerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let peer: NIOLoopBoundBox<Peer?>
    init(loop: any EventLoop) { peer = NIOLoopBoundBox.makeEmptyBox(valueType: Peer.self, eventLoop: loop) }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { peer.value?.packetArrived(unwrapInboundIn(data).data) }
}

/// The generator's clock: every millisecond it sends for the peers whose 20 ms slot has come,
/// so N calls are spread evenly over each 20 ms period (one timer, not one per peer).
final class Schedule: @unchecked Sendable {
    let peers: [Peer]
    let packetsPerPeer: Int
    var tick = 0
    var start: UInt64 = 0
    init(peers: [Peer], packetsPerPeer: Int) {
        self.peers = peers
        self.packetsPerPeer = packetsPerPeer
    }

    /// Sends for every 1 ms slot due by now (a late timer catches up, so the rate holds on a
    /// busy machine); false once every peer sent its packets.
    func fire() -> Bool {
        let now = NIODeadline.now().uptimeNanoseconds
        if start == 0 { start = now }
        let due = Int((now - start) / 1_000_000)
        while tick <= due {
            let slot = tick % 20
            let round = tick / 20
            guard round < packetsPerPeer else { return false }
            for (index, peer) in peers.enumerated() where index % 20 == slot { peer.sendNext() }
            tick += 1
        }
        return true
    }
}
