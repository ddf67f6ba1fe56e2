import AdminAPI
import B2BUA
import Foundation
import NIOCore
import SIPCore
import SIPTrace

/// The call layer as the gateway sees it (CallLayer.swift): `/calls` in the admin API, and the
/// SIGTERM drain (issue 9).
@available(macOS 15.0, *)
extension CallService: CallDirectory, CallDrainer {
    /// The calls in progress, without their timelines (`GET /calls/{id}` has them).
    public func calls() async -> [AdminCall] {
        await collect { call in call.finished ? nil : call.admin(timeline: false) }.sorted { $0.startedAt < $1.startedAt }
    }

    /// A call in progress or lingering after its end, else one of the last ended calls.
    public func call(id: String) async -> AdminCall? {
        let live = await collect { call in
            call.callID == id || call.legByCallID[id] != nil ? call.adminCall : nil
        }.first
        return live ?? recentCalls.withLock { $0.call(id: id) }
    }

    /// Ended calls kept for `GET /calls/{id}` once they leave the call layer.
    static let recentCallsKept = 200

    /// Keeps an ended call (with its timeline) among the recent ones.
    func remember(_ call: CallSummary) {
        recentCalls.withLock { $0.add(call) }
    }

    /// Gives the service the SIP trace ring (once, before calls arrive).
    func attach(trace: CallTraceBuffer?) { traceBox.withLock { $0 = trace } }

    /// The SIP trace ring, when tracing is on.
    var trace: CallTraceBuffer? { traceBox.withLock { $0 } }

    public func stopAcceptingCalls(retryAfter: Duration) async {
        control.draining.withLock { $0 = max(1, Int(retryAfter.components.seconds)) }
    }

    public func callsInProgress() async -> Int {
        await activeCalls()
    }

    /// Ends every call: BYE to both legs of answered calls (Q.850 cause 16), CANCEL of the
    /// legs and 503 to the caller of calls still ringing; waits up to 5 s for them to finish
    /// so the BYEs leave before the listeners close.
    public func endAllCalls() async {
        _ = await collect { call -> Int? in
            call.endForShutdown()
            return nil
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while await activeCalls() > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `body` applied on its loop to every call held by each shard (once per call).
    func collect<T: Sendable>(_ body: @escaping @Sendable (CallContext) -> T?) async -> [T] {
        var found: [T] = []
        for shard in shards {
            let part = try? await shard.eventLoop.submit { () -> [T] in
                var seen = Set<ObjectIdentifier>()
                var results: [T] = []
                for call in shard.calls.values where seen.insert(ObjectIdentifier(call)).inserted {
                    if let result = body(call) { results.append(result) }
                }
                return results
            }.get()
            found += part ?? []
        }
        return found
    }
}

@available(macOS 15.0, *)
extension CallContext {
    /// The call as the admin API shows it, with its timeline.
    var adminCall: AdminCall { admin(timeline: true) }

    /// The call as the admin API shows it; the timeline only when asked for.
    func admin(timeline withTimeline: Bool) -> AdminCall {
        summary.admin(timeline: withTimeline)
    }

    /// The call in values, for the admin API (``CallSummary``).
    var summary: CallSummary {
        let state: String
        if finished || machine?.isEnded == true {
            state = "ended"
        } else if answeredLegID != nil {
            state = "answered"
        } else {
            state = machine == nil ? "setup" : "routing"
        }
        return CallSummary(id: callID, invite: invite, caller: decision.caller, state: state, startedAt: startedAt,
                           legCallIDs: legs.values.map(\.callID), timeline: timeline)
    }

    /// Shutdown: an answered call is hung up on both legs, a ringing one is cancelled toward
    /// the callees and refused to the caller, one still waiting for media is refused.
    func endForShutdown() {
        guard !finished else { return }
        guard machine != nil else {
            receiveCallerCancel()
            return
        }
        if answeredLegID != nil {
            drive { $0.hangUp(cause: Q850Cause.normalClearing, at: Date()) }
        } else {
            drive { $0.receiveCallerCancel(reason: Q850Cause.reason(CallAdmission.congestion), at: Date()) }
        }
    }
}
