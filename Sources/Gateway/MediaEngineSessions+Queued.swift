import B2BUA
import MediaRelay

/// The call path's media operations without tasks or replies (issue 6: thread hops per call).
/// Each runs on the caller's loop and queues its work on the session's media loop, which runs it
/// in order; nothing the call does next waits for it. The async
/// ``MediaSessionControlling`` methods stay for video calls and the tests.
@available(macOS 15.0, *)
extension MediaEngineSessions {
    /// ``allocate(callID:callerStreams:calleeStreams:)`` for an audio-only call, on the caller's
    /// thread: the ports are bound here and the sockets' registration is queued on the media
    /// loop. SDES keys are drawn only for a side that may use SRTP (`callerSRTP`: the caller
    /// offered it; `calleeSRTP`: a called leg's profile may offer it).
    func allocateAudioNow(callID: String, callerSRTP: Bool, calleeSRTP: Bool) throws -> MediaAllocation {
        let session = try engine.allocateSessionNow()
        sessions.withLock { $0[callID] = session }
        return allocation(callerPorts: [UInt16(session.localPort(.a))], calleePorts: [UInt16(session.localPort(.b))],
                          callerKeys: callerSRTP, calleeKeys: calleeSRTP)
    }

    /// ``update(callID:plan:)`` without waiting: both legs (and the video stream's) configured
    /// in one queued operation per stream, the video stream set inactive while a side has no
    /// video; a failure is logged, as the call never waited for it.
    func updateNow(callID: String, plan: MediaPlan) {
        guard let session = session(callID: callID) else { return }
        var legs: [(leg: MediaLeg, configuration: LegConfiguration)] = []
        if let caller = configuration(plan.caller.session) { legs.append((.a, caller)) }
        if let callee = configuration(plan.callee.session) { legs.append((.b, callee)) }
        let logger = self.logger
        let failure: @Sendable (any Error) -> Void = { error in
            logger.info("media configuration failed", metadata: ["callID": "\(callID)", "error": "\(error)"])
        }
        session.configureNow(legs, failure: failure)
        // RFC 2543 hold (c=0.0.0.0) has no address to configure: only the direction changes
        // (no array built for the usual plan without one).
        let callerHeld = Self.addresslessDirection(plan.caller.session), calleeHeld = Self.addresslessDirection(plan.callee.session)
        if callerHeld != nil || calleeHeld != nil {
            session.setDirectionNow([callerHeld.map { (leg: MediaLeg.a, direction: $0) }, calleeHeld.map { (leg: .b, direction: $0) }]
                .compactMap { $0 })
        }
        if let video = videoSessions.withLock({ $0[callID] }) {
            if let videoLegs = videoLegs(plan) {
                video.configureNow(videoLegs, failure: failure)
            } else {
                // Video dropped by a side (port 0 in a re-offer, RFC 3264 §8.2): nothing relayed
                // either way, as in update(callID:plan:); the next plan with video on both sides
                // configures the legs (and their direction) again.
                video.setDirectionNow([(leg: .a, direction: .inactive), (leg: .b, direction: .inactive)])
            }
        }
    }

    /// ``release(callID:)`` without waiting: the sockets close and the ports return on the media
    /// loop, which also logs the per-leg counters (scripts/interop-calls reads them) when info
    /// logging is on.
    func releaseNow(callID: String) {
        videoSessions.withLock({ $0.removeValue(forKey: callID) })?.releaseNow()
        guard let session = sessions.withLock({ $0.removeValue(forKey: callID) }) else { return }
        guard logger.logLevel <= .info else { return session.releaseNow() }
        let logger = self.logger
        session.releaseNow { caller, callee in
            logger.info("media released", metadata: [
                "callID": "\(callID)", "a_rx": "\(caller.packetsReceived)", "a_tx": "\(caller.packetsSent)",
                "b_rx": "\(callee.packetsReceived)", "b_tx": "\(callee.packetsSent)",
                "dropped": "\(caller.packetsDropped + callee.packetsDropped)",
                "srtp_failures": "\(caller.srtpFailures + callee.srtpFailures)"])
        }
    }
}
