import B2BUA
import DialPlan
import Foundation
import SIPSecurity
import Synchronization

/// The call layer's shared, cross-shard state: admission counts, the drain flag and the live
/// network state routing reads. One ``CallAdmission`` behind a Mutex for the whole gateway
/// (each question is a few dictionary operations, so the lock is held for well under a
/// microsecond): the global limits stay exact whichever loop a call lands on.
@available(macOS 15.0, *)
final class CallControl: Sendable {
    let admission: Mutex<CallAdmission>
    /// Set by ``CallService/stopAcceptingCalls(retryAfter:)``: the Retry-After seconds of the 503
    /// every new INVITE gets while the gateway drains.
    let draining = Mutex<Int?>(nil)
    /// Trunk health (the TrunkService), read on every routing decision.
    let trunkHealth = Mutex<(any TrunkHealthProviding)?>(nil)
    /// Calls-per-minute limits and the rate-jump alarm (CallRateGuard.swift).
    let rates = CallRateGuard()
    /// Calls in setup per source address (`calls.max_in_setup_per_source`).
    let setups = Mutex(SetupLimiter())

    init(limits: CallAdmission.Limits) {
        admission = Mutex(CallAdmission(limits: limits))
    }
}
