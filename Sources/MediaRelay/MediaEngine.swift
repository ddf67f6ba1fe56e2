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
        /// Most released legs whose sockets are kept bound for reuse (``MediaPortPool``): nil
        /// picks ``defaultSocketPoolLimit()``; 0 closes every released socket at once.
        public var socketPoolLimit: Int?
        /// How long a released leg's sockets rest before a new leg prefers them to binding a
        /// new port (late packets of the old call die meanwhile); under the pool limit a new
        /// port is bound instead, at the limit the longest-parked sockets are reused regardless.
        public var portQuarantine: TimeAmount

        /// The default ``wakeupCoalescing``.
        public static let defaultWakeupCoalescing: TimeAmount = .milliseconds(1)

        /// Settings with the usual defaults: 30 s media timeout, 3-packet probation in 2 s.
        public init(
            bindHost: String = "127.0.0.1", portRange: ClosedRange<Int> = 20000...29999,
            mediaTimeout: TimeAmount = .seconds(30), tickInterval: TimeAmount = .milliseconds(10),
            timeoutCheckInterval: TimeAmount = .milliseconds(100),
            probationPackets: Int = 3, probationWindow: TimeAmount = .seconds(2), vectorReadCount: Int = 16,
            codecs: CodecRegistry = .standard, ioThreads: Int = 1, rtcpReportInterval: TimeAmount = .seconds(5),
            srtpBackend: SRTPBackend? = nil, wakeupCoalescing: TimeAmount = Configuration.defaultWakeupCoalescing,
            socketPoolLimit: Int? = nil, portQuarantine: TimeAmount = .seconds(2)
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
            self.socketPoolLimit = socketPoolLimit
            self.portQuarantine = portQuarantine
        }

        /// 2048 legs (4096 descriptors with RTCP), or an eighth of the process's descriptor
        /// limit (`RLIMIT_NOFILE`) in legs when that is lower, so parked sockets never starve
        /// signalling or new ports of descriptors.
        public static func defaultSocketPoolLimit() -> Int {
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int.max) else { return 2048 }
            return min(2048, Int(limit.rlim_cur / 8))
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
        var ports = try MediaPortPool(range: configuration.portRange)
        ports.parkingLimit = max(0, configuration.socketPoolLimit ?? Configuration.defaultSocketPoolLimit())
        ports.quarantine = UInt64(max(0, configuration.portQuarantine.nanoseconds))
        let pool = NIOLockedValueBox(ports)
        self.pool = pool
        var loops: [MediaIOLoop] = []
        for index in 0..<max(1, configuration.ioThreads) {
            let loop = try MediaIOLoop(
                name: "gh-media-\(index)", tickInterval: configuration.tickInterval,
                timeoutCheckInterval: configuration.timeoutCheckInterval, batch: configuration.vectorReadCount,
                coalescing: configuration.wakeupCoalescing, ports: pool, index: index)
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

    /// Free RTP ports (pairs) left in the pool, parked ones included.
    public var availablePorts: Int { pool.withLockedValue { $0.availableCount } }

    /// Released legs whose sockets are parked for reuse now.
    public var parkedEndpoints: Int { pool.withLockedValue { $0.parkedCount } }

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

    /// Takes the sockets here (the pool has its own lock), then one operation on the media loop
    /// creates the core, attaches and registers both legs: one hop per session.
    private func makeSession(rtcpMux: Bool, kind: MediaStreamKind, on loop: MediaIOLoop) -> EventLoopFuture<MediaSession> {
        let prepared: PreparedSession
        do { prepared = try prepareSession(rtcpMux: rtcpMux, on: loop) } catch { return loop.makeFailedFuture(error) }
        let (endpoints, sink) = (prepared.endpoints, prepared.sink)
        let settings = configuration
        return loop.submit { () -> NIOLoopBoundBox<RelayCore>? in
            let core = RelayCore(settings: settings, rtcpMux: rtcpMux, kind: kind, events: sink, loop: loop)
            guard Self.register(core, endpoints, on: loop) else { return nil }
            return NIOLoopBoundBox(core, eventLoop: loop)
        }.flatMapThrowing { core in
            // A failed registration closed the sockets and gave the ports back.
            guard let core else { throw MediaRelayError.ioLoopFailed }
            return MediaSession(engine: self, loop: loop, core: core, ports: endpoints.map(\.port), rtcpMux: rtcpMux,
                                kind: kind, sink: sink)
        }
    }

    /// ``allocateSession(rtcpMux:kind:)`` on the caller's thread without waiting for the media
    /// loop: takes parked sockets or binds new ones here (the pool has its own lock) and queues
    /// their registration on the session's media loop, ahead of every later operation on the
    /// session (the loop runs its tasks in order). Throws `MediaRelayError.portsExhausted` (no
    /// port pair) or `.engineStopped`. Should the loop fail to register a socket (epoll out of
    /// memory), the session's sockets are closed there and it stays silent until released.
    public func allocateSessionNow(rtcpMux: Bool = false, kind: MediaStreamKind = .audio) throws -> MediaSession {
        let loop = nextLoop()
        let prepared = try prepareSession(rtcpMux: rtcpMux, on: loop)
        let (endpoints, sink) = (prepared.endpoints, prepared.sink)
        let core = NIOLoopBoundBox.makeBoxSendingValue(
            RelayCore(settings: configuration, rtcpMux: rtcpMux, kind: kind, events: sink, loop: loop), eventLoop: loop)
        loop.execute { _ = Self.register(core.value, endpoints, on: loop) }
        return MediaSession(engine: self, loop: loop, core: core, ports: endpoints.map(\.port), rtcpMux: rtcpMux,
                            kind: kind, sink: sink)
    }

    /// What a new session needs before its media loop takes it: both legs' sockets (parked
    /// ones of that loop, or bound on the caller's thread) and where its events go.
    private struct PreparedSession {
        let endpoints: [PooledEndpoint]
        let sink: MediaEventSink
    }

    /// Takes one endpoint per leg (the pool has its own lock) and makes the event sink; on
    /// failure what was taken goes back (bound sockets closed here, parked ones handed back to
    /// their loop). Throws `MediaRelayError.engineStopped` or `.portsExhausted`.
    private func prepareSession(rtcpMux: Bool, on loop: MediaIOLoop) throws(MediaRelayError) -> PreparedSession {
        guard !isShutDown else { throw .engineStopped }
        var endpoints: [PooledEndpoint] = []
        endpoints.reserveCapacity(MediaLeg.allCases.count)
        do {
            for _ in MediaLeg.allCases { endpoints.append(try takeEndpoint(rtcpMux: rtcpMux, loop: loop)) }
        } catch {
            giveBack(endpoints, to: loop)
            throw error
        }
        return PreparedSession(endpoints: endpoints, sink: MediaEventSink())
    }

    /// A leg's sockets: the ones parked longest on `loop` when they have rested (or the pool is
    /// full), else newly bound ones, else (no port can be bound) parked ones regardless of rest.
    private func takeEndpoint(rtcpMux: Bool, loop: MediaIOLoop) throws(MediaRelayError) -> PooledEndpoint {
        let now = NIODeadline.now().uptimeNanoseconds
        if let parked = pool.withLockedValue({ $0.takeParked(loop: loop.index, rtcpMux: rtcpMux, now: now) }) {
            return parked
        }
        do {
            return try bindEndpoint(rtcpMux: rtcpMux)
        } catch .portsExhausted {
            if let parked = pool.withLockedValue({ $0.takeParked(loop: loop.index, rtcpMux: rtcpMux, now: now, force: true) }) {
                return parked
            }
            throw .portsExhausted
        }
    }

    /// Returns endpoints no session took: bound ones are closed here, parked ones are parked
    /// again on their loop (their sockets belong to its epoll set).
    private func giveBack(_ endpoints: [PooledEndpoint], to loop: MediaIOLoop) {
        let (fresh, parked) = (endpoints.filter { !$0.isRegistered }, endpoints.filter(\.isRegistered))
        for endpoint in fresh {
            Glibc.close(endpoint.rtp)
            if endpoint.rtcp >= 0 { Glibc.close(endpoint.rtcp) }
        }
        release(ports: fresh.map(\.port))
        if !parked.isEmpty { loop.execute { parked.forEach(loop.retire) } }
    }

    /// Attaches both legs' sockets to `core` on its loop (loop thread): new ones join the epoll
    /// set, parked ones are drained and re-pointed. False when one cannot be used: the session's
    /// sockets are then closed or parked again, and the ports of closed ones given back.
    private static func register(_ core: RelayCore, _ endpoints: [PooledEndpoint], on loop: MediaIOLoop) -> Bool {
        loop.add(core: core)
        // Parked sockets adopted here are drained together (one `poll`) before this task ends.
        defer { loop.drainAdopted() }
        for (leg, endpoint) in zip(MediaLeg.allCases, endpoints) {
            guard let attached = loop.attach(endpoint, core: core, leg: leg) else {
                // The legs after this one were never attached; closeAll retires those before.
                for rest in endpoints.dropFirst(leg.rawValue + 1) { loop.retire(rest) }
                core.closeAll()
                return false
            }
            core.endpoints[leg] = attached
            core.attach(leg: leg, socket: attached.rtp, rtcpSocket: attached.isMuxed ? nil : attached.rtcp)
        }
        return true
    }

    /// Binds RTP (and RTCP) sockets for one leg, trying pool ports until one pair binds.
    private func bindEndpoint(rtcpMux: Bool) throws(MediaRelayError) -> PooledEndpoint {
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
                if rtcpMux { return PooledEndpoint(port: port, rtp: rtp, rtcp: -1) }
                if let rtcp = MediaIOLoop.bindSocket(rtcpAddress) { return PooledEndpoint(port: port, rtp: rtp, rtcp: rtcp) }
                Glibc.close(rtp)
            }
            // Taken by another process (or no descriptor left): give it back; the round-robin
            // cursor moves past it.
            pool.withLockedValue { $0.release(port) }
        }
        throw .portsExhausted
    }

    func release(ports: [Int]) {
        pool.withLockedValue { pool in ports.forEach { pool.release($0) } }
    }
}
