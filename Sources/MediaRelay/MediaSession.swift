import NIOConcurrencyHelpers
import NIOCore

/// The media of one call: an endpoint per leg, relaying between them on one event loop.
///
/// The B2BUA configures each leg from the negotiated SDP (`configure(leg:_:)`), again on a
/// re-INVITE (re-keying SRTP, re-latching, keeping the outgoing streams continuous), reads
/// `events` for media timeouts, and calls `release()` when the call ends.
public final class MediaSession: Sendable {
    /// The event loop all of this session's sockets and state live on.
    public let eventLoop: any EventLoop
    /// Whether RTCP shares the RTP port (RFC 5761).
    public let rtcpMux: Bool
    /// The stream this session carries (audio or video).
    public let kind: MediaStreamKind
    /// Media timeouts and latching changes, in order; finishes on `release()`. The same stream
    /// on every read, made on the first (events before that are kept for it).
    public var events: AsyncStream<MediaEvent> { sink.stream }
    let engine: MediaEngine
    let core: NIOLoopBoundBox<RelayCore>
    let ports: [Int]
    /// Where the core's events go (``onEvents(_:)``).
    let sink: MediaEventSink
    /// Whether `release()` ran (extensions check `released` before touching the core).
    struct State {
        var released = false
    }

    let state = NIOLockedValueBox(State())

    init(engine: MediaEngine, loop: any EventLoop, core: NIOLoopBoundBox<RelayCore>, ports: [Int], rtcpMux: Bool, kind: MediaStreamKind,
         sink: MediaEventSink) {
        self.kind = kind
        self.engine = engine
        self.eventLoop = loop
        self.core = core
        self.ports = ports
        self.rtcpMux = rtcpMux
        self.sink = sink
        // Media timeouts and transcoder deadlines are checked by the loop's tick (one timer
        // per thread, not one per call).
    }

    /// The local RTP port of `leg` (RTCP is `+ 1` unless `rtcpMux`): goes into that leg's SDP.
    public func localPort(_ leg: MediaLeg) -> Int { ports[leg.rawValue] }

    /// Sets or changes a leg's peer address, codec and SRTP keys (after an offer/answer).
    public func configure(leg: MediaLeg, _ configuration: LegConfiguration) async throws {
        guard !state.withLockedValue({ $0.released }) else { throw MediaRelayError.sessionReleased }
        let core = self.core
        try await eventLoop.submit {
            try core.value.configure(leg: leg, configuration, now: NIODeadline.now().uptimeNanoseconds)
        }.get()
    }

    /// Sets or changes several legs in one operation on the media loop (one hop, not one per
    /// leg), in the order given; stops at the first leg that cannot be configured.
    public func configure(_ legs: [(leg: MediaLeg, configuration: LegConfiguration)]) async throws {
        guard !legs.isEmpty else { return }
        guard !state.withLockedValue({ $0.released }) else { throw MediaRelayError.sessionReleased }
        let core = self.core
        try await eventLoop.submit {
            let now = NIODeadline.now().uptimeNanoseconds
            for (leg, configuration) in legs { try core.value.configure(leg: leg, configuration, now: now) }
        }.get()
    }

    /// Changes only the hold state of configured legs (an RFC 2543 hold, `c=0.0.0.0`, names no
    /// address to configure): the latch, codec and keys stay. Unconfigured legs are left alone.
    public func setDirection(_ legs: [(leg: MediaLeg, direction: MediaLegDirection)]) async throws {
        guard !legs.isEmpty else { return }
        guard !state.withLockedValue({ $0.released }) else { throw MediaRelayError.sessionReleased }
        let core = self.core
        try await eventLoop.submit {
            let now = NIODeadline.now().uptimeNanoseconds
            for (leg, direction) in legs { core.value.setDirection(leg: leg, direction, now: now) }
        }.get()
    }

    /// Re-opens latching for `leg` (re-INVITE without other changes), optionally to a new SDP address.
    public func relatch(leg: MediaLeg, remote: SocketAddress? = nil) async throws {
        let core = self.core
        try await eventLoop.submit { core.value.relatch(leg: leg, remote: remote) }.get()
    }

    /// Asks `leg`'s video source for a key frame (an RTCP picture loss indication, RFC 4585
    /// §6.3.1), e.g. on a SIP INFO `picture_fast_update` from the other side.
    public func requestKeyFrame(from leg: MediaLeg) async throws {
        guard !state.withLockedValue({ $0.released }) else { throw MediaRelayError.sessionReleased }
        let core = self.core
        try await eventLoop.submit {
            core.value.requestKeyFrame(from: leg)
            core.value.loop.flushOutput()
        }.get()
    }

    /// The counters of `leg`.
    public func counters(_ leg: MediaLeg) async throws -> LegCounters {
        let core = self.core
        return try await eventLoop.submit { core.value.counters(leg: leg) }.get()
    }

    /// ``release()`` that reads both legs' counters first, in the same operation on the media
    /// loop (one hop instead of three). Nil when the session was already released.
    public func releaseReadingCounters() async -> (a: LegCounters, b: LegCounters)? {
        let first = state.withLockedValue { state -> Bool in
            defer { state.released = true }
            return !state.released
        }
        guard first else { return nil }
        sink.dropHandler()
        let core = self.core
        // closeAll parks or closes the sockets and gives the ports of closed ones back.
        return try? await eventLoop.submit { () -> (a: LegCounters, b: LegCounters) in
            let counters = (a: core.value.counters(leg: .a), b: core.value.counters(leg: .b))
            core.value.closeAll()
            return counters
        }.get()
    }

    /// Gives the sockets back (parked for reuse by a later session, or closed) with their
    /// ports; no event is delivered to an ``onEvents(_:)`` handler after this call. Idempotent.
    public func release() async {
        let first = state.withLockedValue { state -> Bool in
            defer { state.released = true }
            return !state.released
        }
        guard first else { return }
        sink.dropHandler()
        let core = self.core
        try? await eventLoop.submit { core.value.closeAll() }.get()
    }
}
