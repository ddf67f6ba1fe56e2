import B2BUA
import DialPlan
import SDP
import Synchronization

/// The number of ``CallContext/chainMedia(_:)`` tasks of a call still running.
final class MediaChainCount: Sendable {
    let count = Atomic<Int>(0)
}

/// The call's media operations on the real engine without tasks (issue 6): the engine's
/// ``MediaEngineSessions`` queues each on the session's media loop, in order, and the call does
/// not wait. Operations go through ``chainMedia(_:)`` instead (in order behind it) while a
/// chained one (DTMF, another engine) is still queued or running, or for another engine.
@available(macOS 15.0, *)
extension CallContext {
    /// The engine for an operation queued at once: nothing chained is pending before it.
    var queuedMedia: MediaEngineSessions? {
        guard let engine = service.engineSessions, mediaQueue.isEmpty,
              mediaPending.count.load(ordering: .acquiring) == 0 else { return nil }
        return engine
    }

    /// Points both legs' media at their peers (``CallAction/updateMedia(_:)``).
    func updateMedia(_ plan: MediaPlan) {
        if let engine = queuedMedia { return engine.updateNow(callID: callID, plan: plan) }
        chainMedia { media, id in try? await media.update(callID: id, plan: plan) }
    }

    /// Frees the call's media (``CallAction/releaseMedia``).
    func releaseMedia() {
        if let engine = queuedMedia { return engine.releaseNow(callID: callID) }
        chainMedia { media, id in await media.release(callID: id) }
    }

    /// Whether the caller's side may use SRTP: its offer has a secure profile or `a=crypto`
    /// (RFC 4568 §5), or there is no offer yet (a delayed offer: ours may carry keys).
    var callerMayUseSRTP: Bool {
        guard let offer else { return true }
        return offer.media.contains { $0.proto.isSecure || $0.attributes.contains(named: "crypto") }
    }
}

@available(macOS 15.0, *)
extension CallService {
    /// Whether any endpoint or trunk of the running dial plan has SRTP (`offer` or `require`):
    /// only then may a called leg's offer carry keys. Cached per plan version.
    func planMayUseSRTP() -> Bool {
        let version = dialPlans.current
        if let cached = srtpInPlan.withLock({ $0.number == version.number ? $0.srtp : nil }) { return cached }
        let plan = version.plan
        let srtp = plan.endpoints.values.contains { $0.media.srtp != .off } || plan.trunks.values.contains { $0.media.srtp != .off }
        srtpInPlan.withLock { $0 = (version.number, srtp) }
        return srtp
    }
}
