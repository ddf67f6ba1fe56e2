import NIOCore

/// Control calls that queue their work on the session's media loop and return at once: no
/// task, no waiting for a reply. The loop runs its tasks in order, so operations queued this way
/// (and after ``MediaEngine/allocateSessionNow(rtcpMux:kind:)``) take effect in the order they
/// were made. For a caller that does not need the outcome before going on (a B2BUA pointing
/// both legs at their peers after an answer, releasing at the end of a call).
extension MediaSession {
    /// ``configure(_:)`` without waiting: `failure` (if any) runs on the media loop when a leg
    /// cannot be configured (SRTP keys that do not load); the legs before it are configured.
    public func configureNow(_ legs: [(leg: MediaLeg, configuration: LegConfiguration)],
                             failure: (@Sendable (any Error) -> Void)? = nil) {
        guard !legs.isEmpty else { return }
        guard !state.withLockedValue({ $0.released }) else {
            failure?(MediaRelayError.sessionReleased)
            return
        }
        let core = self.core
        eventLoop.execute {
            let now = NIODeadline.now().uptimeNanoseconds
            do {
                for (leg, configuration) in legs { try core.value.configure(leg: leg, configuration, now: now) }
            } catch {
                failure?(error)
            }
        }
    }

    /// ``setDirection(_:)`` without waiting: only the hold state of configured legs changes
    /// (unconfigured legs are left alone), behind the operations queued before it.
    public func setDirectionNow(_ legs: [(leg: MediaLeg, direction: MediaLegDirection)]) {
        guard !legs.isEmpty, !state.withLockedValue({ $0.released }) else { return }
        let core = self.core
        eventLoop.execute {
            let now = NIODeadline.now().uptimeNanoseconds
            for (leg, direction) in legs { core.value.setDirection(leg: leg, direction, now: now) }
        }
    }

    /// ``release()`` without waiting: the sockets are parked for reuse (or closed) and the
    /// ports go back to the pool on the media loop; `counters` (if any) gets both legs'
    /// counters read just before, there. The ``onEvents(_:)`` handler is dropped here, on the
    /// caller's thread (what it holds is freed where it was made, not on the media thread), so
    /// no event reaches it after this call. Idempotent: a second call (or one after
    /// ``release()``) does nothing.
    public func releaseNow(counters: (@Sendable (_ a: LegCounters, _ b: LegCounters) -> Void)? = nil) {
        let first = state.withLockedValue { state -> Bool in
            defer { state.released = true }
            return !state.released
        }
        guard first else { return }
        sink.dropHandler()
        let core = self.core
        eventLoop.execute {
            if let counters { counters(core.value.counters(leg: .a), core.value.counters(leg: .b)) }
            core.value.closeAll()
        }
    }

    /// Sends the session's later events (media timeouts, digits, latching) to `handler`, called
    /// on the media loop thread, instead of ``events`` (which then only finishes at the release).
    /// Keep `handler` short: hand the event to your own thread.
    public func onEvents(_ handler: @escaping @Sendable (MediaEvent) -> Void) {
        sink.setHandler(handler)
    }
}

extension MediaSession {
    /// ``configureDTMF(leg:_:)`` without waiting, queued behind the operations before it;
    /// `failure` (if any) runs on the media loop when the session was already released.
    public func configureDTMFNow(leg: MediaLeg, _ configuration: LegDTMFConfiguration,
                                 failure: (@Sendable (any Error) -> Void)? = nil) {
        guard !state.withLockedValue({ $0.released }) else {
            failure?(MediaDTMFError.sessionReleased)
            return
        }
        let core = self.core
        eventLoop.execute { core.value.configureDTMF(leg: leg, configuration) }
    }
}
