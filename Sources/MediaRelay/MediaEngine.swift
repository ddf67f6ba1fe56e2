import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Transcoding

/// The only place that binds RTP sockets: hands out ports from a pool and creates one
/// `MediaSession` per call, pinned to one event loop of the group.
public final class MediaEngine: Sendable {
    /// Engine-wide settings.
    public struct Configuration: Sendable {
        /// The local address media sockets bind to.
        public var bindHost: String
        /// The port range RTP (even) and RTCP (odd, +1) ports come from.
        public var portRange: ClosedRange<Int>
        /// No RTP from a configured leg for this long raises `MediaEvent.mediaTimeout`.
        public var mediaTimeout: TimeAmount
        /// How often transcoder jitter-buffer deadlines are checked (only sessions that transcode
        /// run this timer).
        public var tickInterval: TimeAmount
        /// How often media timeouts are checked.
        public var timeoutCheckInterval: TimeAmount
        /// Consecutive packets a new source must send to take over a leg (latching probation).
        public var probationPackets: Int
        /// The time those packets may take.
        public var probationWindow: TimeAmount
        /// Datagrams read per `recvmmsg` (each slice gets 2048 octets, C-LIBRARIES.md).
        public var vectorReadCount: Int
        /// The codecs transcoding legs may use.
        public var codecs: CodecRegistry

        /// Settings with the usual defaults: 30 s media timeout, 3-packet probation in 2 s.
        public init(
            bindHost: String = "127.0.0.1", portRange: ClosedRange<Int> = 20000...29999,
            mediaTimeout: TimeAmount = .seconds(30), tickInterval: TimeAmount = .milliseconds(10),
            timeoutCheckInterval: TimeAmount = .milliseconds(100),
            probationPackets: Int = 3, probationWindow: TimeAmount = .seconds(2), vectorReadCount: Int = 16,
            codecs: CodecRegistry = .standard
        ) {
            self.bindHost = bindHost
            self.portRange = portRange
            self.mediaTimeout = mediaTimeout
            self.tickInterval = tickInterval
            self.timeoutCheckInterval = timeoutCheckInterval
            self.probationPackets = probationPackets
            self.probationWindow = probationWindow
            self.vectorReadCount = vectorReadCount
            self.codecs = codecs
        }
    }

    /// The engine's settings.
    public let configuration: Configuration
    let group: any EventLoopGroup
    let pool: NIOLockedValueBox<MediaPortPool>

    /// An engine over `group` (the gateway's event loops).
    public init(group: any EventLoopGroup, configuration: Configuration) throws(MediaRelayError) {
        self.group = group
        self.configuration = configuration
        self.pool = NIOLockedValueBox(try MediaPortPool(range: configuration.portRange))
    }

    /// Free RTP ports (pairs) left in the pool.
    public var availablePorts: Int { pool.withLockedValue { $0.availableCount } }

    /// A session with one bound endpoint per leg (RTP port, plus RTCP on +1 unless `rtcpMux`).
    /// Throws `MediaRelayError.portsExhausted` when no port (pair) can be had.
    public func allocateSession(rtcpMux: Bool = false) async throws -> MediaSession {
        let loop = group.next()
        let (stream, continuation) = AsyncStream<MediaEvent>.makeStream()
        let settings = configuration
        let core = try await loop.submit {
            NIOLoopBound(RelayCore(settings: settings, rtcpMux: rtcpMux, events: continuation, eventLoop: loop), eventLoop: loop)
        }.get()
        var ports: [Int] = []
        var channels: [any Channel] = []
        do {
            for leg in MediaLeg.allCases {
                let (port, rtp, rtcp) = try await bindEndpoint(loop: loop, core: core, leg: leg, rtcpMux: rtcpMux)
                ports.append(port)
                channels.append(rtp)
                if let rtcp { channels.append(rtcp) }
                try await loop.submit { core.value.attach(leg: leg, channel: rtp, rtcpChannel: rtcp) }.get()
            }
        } catch {
            for channel in channels { try? await channel.close() }
            pool.withLockedValue { pool in ports.forEach { pool.release($0) } }
            throw error
        }
        return MediaSession(engine: self, loop: loop, core: core, ports: ports, rtcpMux: rtcpMux, events: stream)
    }

    /// Binds RTP (and RTCP) for one leg, trying pool ports until one pair binds.
    private func bindEndpoint(loop: any EventLoop, core: NIOLoopBound<RelayCore>, leg: MediaLeg, rtcpMux: Bool) async throws -> (Int, any Channel, (any Channel)?) {
        let attempts = pool.withLockedValue { $0.rtpPorts.count }
        for _ in 0..<attempts {
            let port = try pool.withLockedValue { try $0.allocate() }
            do {
                let rtp = try await bind(loop: loop, core: core, leg: leg, port: port, isRTCPPort: false)
                if rtcpMux { return (port, rtp, nil) }
                do {
                    let rtcp = try await bind(loop: loop, core: core, leg: leg, port: port + 1, isRTCPPort: true)
                    return (port, rtp, rtcp)
                } catch {
                    try? await rtp.close()
                    throw error
                }
            } catch {
                // Taken by another process: give it back; the round-robin cursor moves past it.
                pool.withLockedValue { $0.release(port) }
                continue
            }
        }
        throw MediaRelayError.portsExhausted
    }

    private func bind(loop: any EventLoop, core: NIOLoopBound<RelayCore>, leg: MediaLeg, port: Int, isRTCPPort: Bool) async throws -> any Channel {
        let count = max(1, configuration.vectorReadCount)
        return try await DatagramBootstrap(group: loop)
            .channelOption(.datagramVectorReadMessageCount, value: count)
            // recvmmsg slices the buffer evenly: count × 2048 octets (C-LIBRARIES.md).
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: count * 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaChannelHandler(core: core, leg: leg, isRTCPPort: isRTCPPort))
                }
            }
            .bind(host: configuration.bindHost, port: port)
            .get()
    }

    func release(ports: [Int]) {
        pool.withLockedValue { pool in ports.forEach { pool.release($0) } }
    }
}
