import Foundation
import SIPCore

/// Admission control for calls, decided before any leg or media port exists (issue 6 "Limits",
/// "Speed and overload"; issue 10 toll-fraud limits). Pure: the call layer asks, acts on the
/// verdict, and reports when a call or leg ends; time comes in with each question.
///
/// - Overload: more calls in setup (not yet answered) than `maxCallsInSetup`, or more calls in
///   progress than `maxCalls`, rejects a new caller with 503 and `Retry-After` (RFC 3261
///   §21.5.4) and `Reason: Q.850;cause=42` (switching equipment congestion). Rejecting early, at
///   the cost of one stateless answer, is what keeps goodput up past the maximum rate instead of
///   letting retransmissions of calls we cannot finish eat the CPU.
/// - A caller endpoint or trunk over its concurrent-call limit gets 486 Busy Here with
///   `Reason: Q.850;cause=17` (an endpoint) or 503 with cause 34 (no circuit, a trunk).
/// - An outbound leg to a trunk over its concurrent-call or calls-per-second limit is not sent:
///   the call layer reports it to the ``CallStateMachine`` as a 503 from that leg, so the route's
///   `next_on` decides whether another trunk is tried.
public struct CallAdmission: Sendable {
    /// Gateway-wide limits.
    public struct Limits: Sendable, Hashable {
        /// Calls in progress (set up or answered), all sources together.
        public var maxCalls: Int
        /// Calls not yet answered: what retransmissions and timers cost most for.
        public var maxCallsInSetup: Int
        /// The `Retry-After` seconds of an overload 503.
        public var retryAfter: Int

        /// Defaults sized for one 2-core machine: 20,000 calls, 4,000 in setup.
        public init(maxCalls: Int = 20_000, maxCallsInSetup: Int = 4_000, retryAfter: Int = 5) {
            self.maxCalls = max(1, maxCalls)
            self.maxCallsInSetup = max(1, maxCallsInSetup)
            self.retryAfter = max(1, retryAfter)
        }
    }

    /// The answer to a new call.
    public enum Verdict: Sendable, Hashable {
        /// Go on; report ``answered(callID:)`` and ``ended(callID:)`` later.
        case admit
        /// Answer the INVITE with this status, `Reason` and optional `Retry-After`; create nothing.
        case reject(status: Int, reason: Reason, retryAfter: Int?)
    }

    /// Who a call counts against.
    public enum Party: Sendable, Hashable {
        case endpoint(String)
        case trunk(String)
    }

    /// Q.850 cause 42: switching equipment congestion (RFC 3398 §8.2.6.1 maps it to 503).
    public static let congestion: UInt16 = 42
    /// Q.850 cause 34: no circuit/channel available (a trunk's own limit).
    public static let noCircuit: UInt16 = 34
    /// Q.850 cause 17: user busy.
    public static let userBusy: UInt16 = 17

    struct Call: Sendable {
        var parties: [Party]
        var answered: Bool
    }

    struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    /// The limits in force.
    public var limits: Limits
    var calls: [String: Call] = [:]
    var inSetup = 0
    var active: [Party: Int] = [:]
    var buckets: [String: Bucket] = [:]

    /// An admission controller with `limits`.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Calls in progress.
    public var callCount: Int { calls.count }
    /// Calls not yet answered.
    public var callsInSetup: Int { inSetup }
    /// Calls in progress that count against `party`.
    public func activeCalls(of party: Party) -> Int { active[party] ?? 0 }

    /// A new call from `caller` (nil: not yet identified) whose own limit is `callerLimit`
    /// concurrent calls. On `.admit` the call counts until ``ended(callID:)``.
    public mutating func admitCall(_ callID: String, caller: Party?, callerLimit: Int?) -> Verdict {
        guard calls[callID] == nil else { return .admit }
        if calls.count >= limits.maxCalls || inSetup >= limits.maxCallsInSetup {
            return .reject(status: 503, reason: Q850Cause.reason(Self.congestion), retryAfter: limits.retryAfter)
        }
        if let caller, let callerLimit, activeCalls(of: caller) >= callerLimit {
            switch caller {
            case .endpoint: return .reject(status: 486, reason: Q850Cause.reason(Self.userBusy), retryAfter: nil)
            case .trunk: return .reject(status: 503, reason: Q850Cause.reason(Self.noCircuit), retryAfter: nil)
            }
        }
        calls[callID] = Call(parties: [], answered: false)
        inSetup += 1
        if let caller { count(caller, in: callID) }
        return .admit
    }

    /// An outbound leg of `callID` to `trunk` (concurrent limit `callLimit`, `callsPerSecond`
    /// new legs per second, a burst of one second's worth). False: do not send it, treat it as a
    /// 503 from the trunk. A call counts once per trunk however many legs it sends there.
    public mutating func admitLeg(of callID: String, toTrunk trunk: String, callLimit: Int, callsPerSecond: Int,
                                  now: Date) -> Bool {
        guard var call = calls[callID] else { return false }
        let party = Party.trunk(trunk)
        let counted = call.parties.contains(party)
        if !counted, activeCalls(of: party) >= callLimit { return false }
        let rate = Double(max(1, callsPerSecond))
        var bucket = buckets[trunk] ?? Bucket(tokens: rate, updated: now)
        bucket.tokens = min(rate, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * rate)
        bucket.updated = now
        // The tolerance absorbs Date's floating-point rounding.
        guard bucket.tokens >= 1 - 1e-6 else {
            buckets[trunk] = bucket
            return false
        }
        bucket.tokens = max(0, bucket.tokens - 1)
        buckets[trunk] = bucket
        if !counted {
            call.parties.append(party)
            calls[callID] = call
            active[party, default: 0] += 1
        }
        return true
    }

    /// An outbound call to `endpoint` counts against its concurrent-call limit: false when it is
    /// at the limit (the call layer treats the leg as 486 from it).
    public mutating func admitLeg(of callID: String, toEndpoint endpoint: String, callLimit: Int) -> Bool {
        guard calls[callID] != nil else { return false }
        let party = Party.endpoint(endpoint)
        if calls[callID]?.parties.contains(party) == true { return true }
        guard activeCalls(of: party) < callLimit else { return false }
        count(party, in: callID)
        return true
    }

    /// The call was answered: it no longer counts as in setup.
    public mutating func answered(callID: String) {
        guard let call = calls[callID], !call.answered else { return }
        calls[callID]?.answered = true
        inSetup -= 1
    }

    /// The call is over: every count it held is released. Idempotent.
    public mutating func ended(callID: String) {
        guard let call = calls.removeValue(forKey: callID) else { return }
        if !call.answered { inSetup -= 1 }
        for party in call.parties {
            let left = (active[party] ?? 1) - 1
            active[party] = left > 0 ? left : nil
        }
    }

    mutating func count(_ party: Party, in callID: String) {
        calls[callID]?.parties.append(party)
        active[party, default: 0] += 1
    }
}
