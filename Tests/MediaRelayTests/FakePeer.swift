import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A UDP peer on an ephemeral loopback port that records every datagram it receives.
final class FakePeer: Sendable {
    final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let packets = NIOLockedValueBox<[[UInt8]]>([])

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).data.readableBytesView)
            packets.withLockedValue { $0.append(bytes) }
        }
    }

    let channel: any Channel
    let recorder: Recorder

    private init(channel: any Channel, recorder: Recorder) {
        self.channel = channel
        self.recorder = recorder
    }

    static func bind() async throws -> FakePeer {
        let recorder = Recorder()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(recorder) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakePeer(channel: channel, recorder: recorder)
    }

    var address: SocketAddress { channel.localAddress! }

    var received: [[UInt8]] { recorder.packets.withLockedValue { $0 } }

    func send(_ bytes: [UInt8], toPort port: Int) async throws {
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: bytes)))
    }

    /// Waits until at least `count` datagrams arrived (or `timeout` passes); returns them.
    @discardableResult
    func waitForPackets(_ count: Int, timeout: Duration = .seconds(5)) async throws -> [[UInt8]] {
        let deadline = ContinuousClock.now + timeout
        while received.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return received
    }

    func close() async {
        try? await channel.close()
    }
}

/// An RTP packet with a 160-octet payload (PCMU, 20 ms).
func rtp(payloadType: UInt8 = 0, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8]? = nil) -> [UInt8] {
    var packet: [UInt8] = [0x80, payloadType, UInt8(sequenceNumber >> 8), UInt8(sequenceNumber & 0xFF)]
    packet += withUnsafeBytes(of: timestamp.bigEndian) { Array($0) }
    packet += withUnsafeBytes(of: ssrc.bigEndian) { Array($0) }
    packet += payload ?? (0..<160).map { UInt8(truncatingIfNeeded: Int(sequenceNumber) &+ $0) }
    return packet
}

func be16(_ bytes: [UInt8], _ offset: Int) -> UInt16 { UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]) }
func be32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
}
