import CoreMetrics
import DialPlan
import Foundation
import SIPSecurity
import Synchronization

/// The per-caller call-rate defences on the call path (issue 10, INTEROP.md "Toll fraud"): the
/// calls-per-minute limit of every endpoint and trunk (``CallRateLimiter``, limits from the dial
/// plan) and the rate-jump alarm (``CallRateAlarm``: a log warning and
/// `gatehouse_call_rate_alarms_total`). One lock for the gateway: each call asks once, a few
/// dictionary operations.
@available(macOS 15.0, *)
final class CallRateGuard: Sendable {
    /// The answer for one new call.
    struct Verdict: Sendable {
        /// False: refuse the call (503 with `Retry-After`).
        var admitted: Bool
        /// Seconds until the caller may call again, when refused.
        var retryAfter: Int
        /// The caller's limit in calls a minute.
        var perMinute: Int
        /// Set when this call made the caller's rate jump.
        var alarm: CallRateAlarm.Alarm?
    }

    private struct State {
        var limiter = CallRateLimiter()
        var alarm: CallRateAlarm
    }

    /// Counters: alarms raised, calls refused by the limit.
    struct Metrics: Sendable {
        var alarms: CoreMetrics.Counter
        var refusals: CoreMetrics.Counter
    }

    private let state: Mutex<State>
    private let metrics = Mutex<Metrics?>(nil)

    init(alarm: CallRateAlarm.Configuration = .init()) {
        state = Mutex(State(alarm: CallRateAlarm(configuration: alarm)))
    }

    /// Counts alarms and refusals into these counters from now on.
    func count(into counters: Metrics) { metrics.withLock { $0 = counters } }

    /// A new call from `caller` at `now`: counted for the alarm whether or not it is admitted
    /// (an attacker's refused calls are the jump the alarm is for). Nil for a caller the plan does
    /// not name (unidentified callers never get this far).
    func check(_ caller: CallRequest.Caller, plan: DialPlan, now: Date) -> Verdict? {
        guard let perMinute = plan.callsPerMinute(of: caller) else { return nil }
        let key: String
        switch caller {
        case .endpoint(let name): key = "endpoint:\(name)"
        case .trunk(let name): key = "trunk:\(name)"
        case .unknown: return nil
        }
        let verdict = state.withLock { state in
            let admitted = state.limiter.admit(caller: key, perMinute: perMinute, at: now)
            let retry = admitted ? 0 : state.limiter.retryAfter(caller: key, perMinute: perMinute, at: now)
            return Verdict(admitted: admitted, retryAfter: retry, perMinute: perMinute,
                           alarm: state.alarm.record(caller: key, at: now))
        }
        if let counters = metrics.withLock({ $0 }) {
            if verdict.alarm != nil { counters.alarms.increment() }
            if !verdict.admitted { counters.refusals.increment() }
        }
        return verdict
    }
}
