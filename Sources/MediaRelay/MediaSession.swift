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
    /// Media timeouts and latching changes, in order; finishes on `release()`.
    public let events: AsyncStream<MediaEvent>
    private let engine: MediaEngine
    let core: NIOLoopBound<RelayCore>
    private let ports: [Int]
    let state: NIOLockedValueBox<(released: Bool, timer: RepeatedTask?)>

    init(engine: MediaEngine, loop: any EventLoop, core: NIOLoopBound<RelayCore>, ports: [Int], rtcpMux: Bool, events: AsyncStream<MediaEvent>) {
        self.engine = engine
        self.eventLoop = loop
        self.core = core
        self.ports = ports
        self.rtcpMux = rtcpMux
        self.events = events
        let interval = engine.configuration.timeoutCheckInterval
        let timer = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            core.value.checkTimeouts(now: NIODeadline.now().uptimeNanoseconds)
        }
        self.state = NIOLockedValueBox((false, timer))
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

    /// Re-opens latching for `leg` (re-INVITE without other changes), optionally to a new SDP address.
    public func relatch(leg: MediaLeg, remote: SocketAddress? = nil) async throws {
        let core = self.core
        try await eventLoop.submit { core.value.relatch(leg: leg, remote: remote) }.get()
    }

    /// The counters of `leg`.
    public func counters(_ leg: MediaLeg) async throws -> LegCounters {
        let core = self.core
        return try await eventLoop.submit { core.value.counters(leg: leg) }.get()
    }

    /// Closes the sockets and gives the ports back. Idempotent.
    public func release() async {
        let (first, timer) = state.withLockedValue { state -> (Bool, RepeatedTask?) in
            if state.released { return (false, nil) }
            state.released = true
            let timer = state.timer
            state.timer = nil
            return (true, timer)
        }
        guard first else { return }
        timer?.cancel()
        let core = self.core
        let channels = (try? await eventLoop.submit { core.value.closeAll() }.get()) ?? []
        for channel in channels { try? await channel.close() }
        engine.release(ports: ports)
    }
}
