import B2BUA
import DialPlan
import Foundation
import SIPCore
import SIPStack

@available(macOS 15.0, *)
extension CallService {
    /// Asks ``CallAdmission`` about a new call right after its caller is identified, before any
    /// routing or media work (issue 6 "Speed and overload"). A refusal is answered here: 503 with
    /// `Retry-After` (RFC 3261 §21.5.4) when the gateway is overloaded or draining, 486 for an
    /// endpoint over its `calls` limit, 503 for a trunk over its own; each with the Q.850 `Reason`
    /// (RFC 3326). True: the call counts until ``CallContext/finish()``.
    func admit(_ transaction: SIPServerTransaction, callID: String, caller: CallRequest.Caller, plan: DialPlan) -> Bool {
        if let retryAfter = control.draining.withLock({ $0 }) {
            reject(transaction, status: 503, reason: Q850Cause.reason(CallAdmission.congestion), retryAfter: retryAfter)
            return false
        }
        let party: CallAdmission.Party?
        let limit: Int?
        switch caller {
        case .endpoint(let name):
            party = .endpoint(name)
            limit = plan.endpoints[name]?.callLimit
        case .trunk(let name):
            party = .trunk(name)
            limit = plan.trunks[name]?.callLimit
        case .unknown:
            party = nil
            limit = nil
        }
        let verdict = control.admission.withLock { $0.admitCall(callID, caller: party, callerLimit: limit) }
        guard case .reject(let status, let reason, let retryAfter) = verdict else { return true }
        logger.info("call refused", metadata: ["callID": "\(callID)", "status": "\(status)", "reason": "\(reason)"])
        reject(transaction, status: status, reason: reason, retryAfter: retryAfter)
        return false
    }

    func reject(_ transaction: SIPServerTransaction, status: Int, reason: Reason, retryAfter: Int?) {
        var response = transaction.request.makeResponse(status: status, toTag: SIPMessage.makeTag())
        if let retryAfter { response.headers.append(.retryAfter, value: String(retryAfter)) }
        response.headers.append(.reason, value: reason.description)
        try? transaction.respond(response)
    }

    /// The call was answered: it leaves the in-setup count.
    func callAnswered(_ callID: String) {
        control.admission.withLock { $0.answered(callID: callID) }
        control.setups.withLock { $0.finished(callID) }
    }

    /// The call is over: every count it held is released (idempotent).
    func callEnded(_ callID: String) {
        control.admission.withLock { $0.ended(callID: callID) }
        control.setups.withLock { $0.finished(callID) }
        sink.finished(callID: callID)
    }

    /// The network state routing sees now: trunks the TrunkService reports unusable.
    ///
    /// Endpoint presence is deliberately not applied here: a snapshot of "offline endpoints"
    /// refreshed in the background calls a phone that registered a moment ago offline (its call
    /// drew 480), and an endpoint with no binding is already an `offline` attempt in the call
    /// state machine, recorded as such in the CDR (`carol:offline → carrier:200`). Contacts that
    /// stopped answering OPTIONS are still rung; they fail as `offline` on their own timeout.
    /// Filtering them out of the call's contacts (not out of routing) is the next step.
    func networkState(now: Date) -> NetworkState {
        var state = NetworkState()
        if let health = control.trunkHealth.withLock({ $0 }) {
            state.markTrunksDown(from: health, now: Int64(now.timeIntervalSince1970))
        }
        return state
    }

    /// Routing follows the trunks' health, read on every call.
    func follow(trunks: any TrunkHealthProviding) {
        control.trunkHealth.withLock { $0 = trunks }
    }
}

@available(macOS 15.0, *)
extension CallContext {
    /// Whether the leg may go out (issue 6 "Limits"): a trunk within its `calls` and `cps`, an
    /// endpoint within its `calls`. A refused leg reaches the machine as the far end's answer
    /// would, asynchronously: 503 from a trunk (the route's `next_on` decides on failover),
    /// 486 from an endpoint.
    func admitLeg(_ request: OutboundLegRequest, trunk: Trunk?) -> Bool {
        let target = request.target
        let admitted: Bool
        let status: Int
        let cause: UInt16
        if let trunk {
            admitted = service.control.admission.withLock {
                $0.admitLeg(of: callID, toTrunk: trunk.name, callLimit: trunk.callLimit,
                            callsPerSecond: trunk.callsPerSecond, now: Date())
            }
            (status, cause) = (503, CallAdmission.noCircuit)
        } else if target.kind == .endpoint, let endpoint = plan.endpoints[target.target] {
            admitted = service.control.admission.withLock {
                $0.admitLeg(of: callID, toEndpoint: endpoint.name, callLimit: endpoint.callLimit)
            }
            (status, cause) = (486, CallAdmission.userBusy)
        } else {
            return true
        }
        guard !admitted else { return true }
        let id = request.id
        logger.info("leg refused by its limit", metadata: ["callID": "\(callID)", "leg": "\(id)", "status": "\(status)"])
        shard.eventLoop.execute { [self] in
            drive { $0.receiveFinal(status, sdp: nil, reason: Q850Cause.reason(cause), from: id, at: Date()) }
        }
        return false
    }
}
