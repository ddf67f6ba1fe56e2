#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import SecureRTP
import Transcoding

/// The only place that binds RTP sockets: hands out ports from a pool and creates one
/// `MediaSession` per stream of a call (`allocateStreams`), each pinned to one of the engine's
/// own media threads (`MediaIOLoop`: epoll, `recvmmsg`/`sendmmsg`, no allocation per relayed
/// packet). Deinitialising the engine stops its threads.
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
        /// Datagrams read per `recvmmsg` on one readable socket (each into its own 2048-octet
        /// slot of the media thread's slab; longer datagrams are dropped as truncated).
        public var vectorReadCount: Int
        /// The codecs transcoding legs may use.
        public var codecs: CodecRegistry
        /// The mean interval of the RTCP reports the engine generates for transcoded legs
        /// (RFC 3550 §6.2: 5 s minimum; each interval is randomised over 0.5–1.5×).
        public var rtcpReportInterval: TimeAmount
        /// Media loop threads (each one `epoll` set of sockets, `MediaIOLoop`); sessions are
        /// spread over them round-robin.
        public var ioThreads: Int
        /// The SRTP library for SRTP legs; nil picks OpenSSL for the AES-CM suites and libsrtp2
        /// for the rest (`SRTPSession`). `scripts/bench-media` compares the two.
        public var srtpBackend: SRTPBackend?
        /// After a wake-up that found packets, the media thread waits this long before polling
        /// again when packets come faster than that (zero: never), so one wake-up serves several
        /// packets: fewer context switches per packet, at most this much added delay. Default
        /// 1 ms (``defaultWakeupCoalescing``): a third to two thirds fewer wake-ups per packet
        /// in `scripts/bench-media`, up to ≈ 15% less CPU per transcoded call, a delay well
        /// inside any receiver's jitter buffer.
        public var wakeupCoalescing: TimeAmount

        /// The default ``wakeupCoalescing``.
        public static let defaultWakeupCoalescing: TimeAmount = .milliseconds(1)

        /// Settings with the usual defaults: 30 s media timeout, 3-packet probation in 2 s.
        public init(
            bindHost: String = "127.0.0.1", portRange: ClosedRange<Int> = 20000...29999,
            mediaTimeout: TimeAmount = .seconds(30), tickInterval: TimeAmount = .milliseconds(10),
            timeoutCheckInterval: TimeAmount = .milliseconds(100),
            probationPackets: Int = 3, probationWindow: TimeAmount = .seconds(2), vectorReadCount: Int = 16,
            codecs: CodecRegistry = .standard, ioThreads: Int = 1, rtcpReportInterval: TimeAmount = .seconds(5),
            srtpBackend: SRTPBackend? = nil, wakeupCoalescing: TimeAmount = Configuration.defaultWakeupCoalescing
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
            self.ioThreads = ioThreads
            self.rtcpReportInterval = rtcpReportInterval
            self.srtpBackend = srtpBackend
            self.wakeupCoalescing = wakeupCoalescing
        }
    }

    /// The engine's settings.
    public let configuration: Configuration
    let group: any EventLoopGroup
    let pool: NIOLockedValueBox<MediaPortPool>
    /// The engine's media threads; every session lives on one of them.
    let loops: [MediaIOLoop]
    private let cursor = NIOLockedValueBox(0)
    private let stopped = NIOLockedValueBox(false)

    /// An engine with its own media loop threads (`Configuration.ioThreads`). `group` (the
    /// gateway's event loops) is kept for API compatibility; media sockets are not on it.
    public init(group: any EventLoopGroup, configuration: Configuration) throws(MediaRelayError) {
        self.group = group
        self.configuration = configuration
        self.pool = NIOLockedValueBox(try MediaPortPool(range: configuration.portRange))
        var loops: [MediaIOLoop] = []
        for index in 0..<max(1, configuration.ioThreads) {
            let loop = try MediaIOLoop(
                name: "gh-media-\(index)", tickInterval: configuration.tickInterval,
                timeoutCheckInterval: configuration.timeoutCheckInterval, batch: configuration.vectorReadCount,
                coalescing: configuration.wakeupCoalescing)
            loop.start()
            loops.append(loop)
        }
        self.loops = loops
    }

    deinit {
        for loop in loops { loop.stop() }
    }

    /// Stops the media threads and returns when every one has exited: each runs what was
    /// already queued, closes its sessions (their `events` streams finish) and sockets, and
    /// leaves. Idempotent. Afterwards `allocateSession` throws `MediaRelayError.engineStopped`;
    /// calls on sessions still held run on the caller (their sockets closed), so `release()`
    /// still returns the ports. `GatewayService.shutdown()` and the tests call this.
    public func shutdown() async {
        stopped.withLockedValue { $0 = true }
        for loop in loops { await loop.stopAndWait() }
    }

    /// Whether `shutdown()` was called.
    public var isShutDown: Bool { stopped.withLockedValue { $0 } }

    /// The media threads' kernel thread ids (for CPU accounting in benchmarks and metrics).
    public var threadIDs: [Int32] { loops.map(\.threadID) }

    /// Free RTP ports (pairs) left in the pool.
    public var availablePorts: Int { pool.withLockedValue { $0.availableCount } }

    /// The sessions of one call, one per SDP stream in `kinds` order (audio first, then video,
    /// as `MediaAllocation` orders its ports), all on the same media thread. Either every
    /// session is allocated or none (what was bound is released before the error is thrown).
    public func allocateStreams(_ kinds: [MediaStreamKind], rtcpMux: Bool = false) async throws -> [MediaSession] {
        let loop = nextLoop()
        var sessions: [MediaSession] = []
        do {
            for kind in kinds {
                sessions.append(try await allocateSession(rtcpMux: rtcpMux, kind: kind, on: loop))
            }
        } catch {
            for session in sessions { await session.release() }
            throw error
        }
        return sessions
    }

    /// A session with one bound endpoint per leg (RTP port, plus RTCP on +1 unless `rtcpMux`)
    /// for one `kind` of stream. Throws `MediaRelayError.portsExhausted` when no port (pair)
    /// can be had.
    public func allocateSession(rtcpMux: Bool = false, kind: MediaStreamKind = .audio) async throws -> MediaSession {
        try await allocateSession(rtcpMux: rtcpMux, kind: kind, on: nextLoop())
    }

    private func nextLoop() -> MediaIOLoop {
        loops[cursor.withLockedValue { value in
            defer { value = (value + 1) % loops.count }
            return value
        }]
    }

    private func allocateSession(rtcpMux: Bool, kind: MediaStreamKind, on loop: MediaIOLoop) async throws -> MediaSession {
        try await makeSession(rtcpMux: rtcpMux, kind: kind, on: loop).get()
    }

    /// ``allocateSession(rtcpMux:kind:)`` without a task: `completion` runs once, on the
    /// session's media loop thread (hand the result to your own loop; do not block there).
    public func allocateSession(rtcpMux: Bool = false, kind: MediaStreamKind = .audio,
                                completion: @escaping @Sendable (Result<MediaSession, any Error>) -> Void) {
        makeSession(rtcpMux: rtcpMux, kind: kind, on: nextLoop()).whenComplete(completion)
    }

    /// Binds the sockets here (the pool has its own lock), then one operation on the media loop
    /// creates the core, attaches and registers both legs: one hop per session.
    private func makeSession(rtcpMux: Bool, kind: MediaStreamKind, on loop: MediaIOLoop) -> EventLoopFuture<MediaSession> {
        let prepared: PreparedSession
        do { prepared = try prepareSession(rtcpMux: rtcpMux) } catch { return loop.makeFailedFuture(error) }
        let (ports, bound, stream, sink) = (prepared.ports, prepared.bound, prepared.stream, prepared.sink)
        let settings = configuration
        return loop.submit { () -> NIOLoopBoundBox<RelayCore>? in
            let core = RelayCore(settings: settings, rtcpMux: rtcpMux, kind: kind, events: sink, loop: loop)
            guard Self.register(core, bound, on: loop) else { return nil }
            return NIOLoopBoundBox(core, eventLoop: loop)
        }.flatMapErrorThrowing { error in
            // The loop never ran the operation (stopped): the sockets are still ours.
            for bound in bound {
                Glibc.close(bound.rtp)
                if let rtcp = bound.rtcp { Glibc.close(rtcp) }
            }
            self.release(ports: ports)
            throw error
        }.flatMapThrowing { core in
            guard let core else {
                self.release(ports: ports)
                throw MediaRelayError.ioLoopFailed
            }
            return MediaSession(engine: self, loop: loop, core: core, ports: ports, rtcpMux: rtcpMux, kind: kind, events: stream, sink: sink)
        }
    }

    /// ``allocateSession(rtcpMux:kind:)`` on the caller's thread without waiting for the media
    /// loop: binds the sockets here (the pool has its own lock) and queues their registration on
    /// the session's media loop, ahead of every later operation on the session (the loop runs
    /// its tasks in order). Throws `MediaRelayError.portsExhausted` (no port pair) or
    /// `.engineStopped`. Should the loop fail to register a socket (epoll out of memory), the
    /// session's sockets are closed there and it stays silent until released.
    public func allocateSessionNow(rtcpMux: Bool = false, kind: MediaStreamKind = .audio) throws -> MediaSession {
        let loop = nextLoop()
        let prepared = try prepareSession(rtcpMux: rtcpMux)
        let (bound, sink) = (prepared.bound, prepared.sink)
        let core = NIOLoopBoundBox.makeBoxSendingValue(
            RelayCore(settings: configuration, rtcpMux: rtcpMux, kind: kind, events: sink, loop: loop), eventLoop: loop)
        loop.execute { _ = Self.register(core.value, bound, on: loop) }
        return MediaSession(engine: self, loop: loop, core: core, ports: prepared.ports, rtcpMux: rtcpMux,
                            kind: kind, events: prepared.stream, sink: sink)
    }

    /// What a new session needs before its media loop takes it: both legs' sockets, bound on
    /// the caller's thread, and the session's event stream.
    private struct PreparedSession {
        let ports: [Int]
        let bound: [SendableEndpoint]
        let stream: AsyncStream<MediaEvent>
        let sink: MediaEventSink
    }

    /// Binds one endpoint per leg (the pool has its own lock) and makes the event stream; on
    /// failure every socket bound so far is closed and its port released. Throws
    /// `MediaRelayError.engineStopped` or `.portsExhausted`.
    private func prepareSession(rtcpMux: Bool) throws(MediaRelayError) -> PreparedSession {
        guard !isShutDown else { throw .engineStopped }
        var endpoints: [(port: Int, rtp: Int32, rtcp: Int32?)] = []
        do {
            for _ in MediaLeg.allCases { endpoints.append(try bindEndpoint(rtcpMux: rtcpMux)) }
        } catch {
            for endpoint in endpoints { Self.close(endpoint) }
            release(ports: endpoints.map(\.port))
            throw error
        }
        let (stream, continuation) = AsyncStream<MediaEvent>.makeStream()
        return PreparedSession(ports: endpoints.map(\.port), bound: endpoints.map { SendableEndpoint(rtp: $0.rtp, rtcp: $0.rtcp) },
                               stream: stream, sink: MediaEventSink(continuation))
    }

    /// Attaches both legs' sockets to `core` and adds them to the loop's epoll set (loop
    /// thread). False when a socket cannot be registered: every socket is closed then.
    private static func register(_ core: RelayCore, _ bound: [SendableEndpoint], on loop: MediaIOLoop) -> Bool {
        loop.add(core: core)
        var registered: Set<Int32> = []
        for (leg, endpoint) in zip(MediaLeg.allCases, bound) {
            core.attach(leg: leg, socket: endpoint.rtp, rtcpSocket: endpoint.rtcp)
            for (fd, isRTCP) in [(endpoint.rtp, false), (endpoint.rtcp ?? -1, true)] where fd >= 0 {
                guard loop.register(fd: fd, core: core, leg: leg, isRTCPPort: isRTCP) else {
                    // closeAll closes what is registered; the rest is closed here.
                    core.closeAll()
                    for other in bound.flatMap({ endpoint -> [Int32] in [endpoint.rtp, endpoint.rtcp ?? -1] })
                    where other >= 0 && !registered.contains(other) {
                        Glibc.close(other)
                    }
                    return false
                }
                registered.insert(fd)
            }
        }
        return true
    }

    /// A bound leg's descriptors, handed to the media loop once.
    private struct SendableEndpoint: Sendable {
        let rtp: Int32
        let rtcp: Int32?
    }

    /// Closes the sockets of an endpoint the media loop never took.
    private static func close(_ endpoint: (port: Int, rtp: Int32, rtcp: Int32?)) {
        Glibc.close(endpoint.rtp)
        if let rtcp = endpoint.rtcp { Glibc.close(rtcp) }
    }

    /// Binds RTP (and RTCP) sockets for one leg, trying pool ports until one pair binds.
    private func bindEndpoint(rtcpMux: Bool) throws(MediaRelayError) -> (Int, Int32, Int32?) {
        let attempts = pool.withLockedValue { $0.rtpPorts.count }
        for _ in 0..<attempts {
            guard let port = try? pool.withLockedValue({ try $0.allocate() }) else { throw .portsExhausted }
            guard let rtpAddress = try? SocketAddress(ipAddress: configuration.bindHost, port: port),
                  let rtcpAddress = try? SocketAddress(ipAddress: configuration.bindHost, port: port + 1)
            else {
                pool.withLockedValue { $0.release(port) }
                throw .invalidBindAddress
            }
            if let rtp = MediaIOLoop.bindSocket(rtpAddress) {
                if rtcpMux { return (port, rtp, nil) }
                if let rtcp = MediaIOLoop.bindSocket(rtcpAddress) { return (port, rtp, rtcp) }
                Glibc.close(rtp)
            }
            // Taken by another process: give it back; the round-robin cursor moves past it.
            pool.withLockedValue { $0.release(port) }
        }
        throw .portsExhausted
    }

    func release(ports: [Int]) {
        pool.withLockedValue { pool in ports.forEach { pool.release($0) } }
    }
}
