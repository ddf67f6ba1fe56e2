import B2BUA
import DialPlan
import Foundation
import SDP
import SIPCore
import SIPStack

@available(macOS 15.0, *)
extension CallService {
    /// A `Warning` value from the gateway (RFC 3261 §20.43): `code gatehouse "text"`, the text a
    /// quoted-string (§25.1: `"` and `\` escaped).
    static func warning(_ code: Int, _ text: String) -> String {
        let quoted = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\(code) gatehouse \"\(quoted)\""
    }

    /// The caller's calls-per-minute limit and rate-jump alarm (issue 10), asked right after the
    /// caller is identified. Over the limit: 503 with `Retry-After` (RFC 3261 §21.5.4), `Reason:
    /// Q.850;cause=42` and a `Warning` (§20.43) naming the limit. A jump logs a warning (the
    /// metric is counted by the guard). True: go on.
    func admitRate(_ transaction: SIPServerTransaction, callID: String, caller: CallRequest.Caller, plan: DialPlan) -> Bool {
        guard let verdict = control.rates.check(caller, plan: plan, now: Date()) else { return true }
        let name: String
        switch caller {
        case .endpoint(let endpoint): name = endpoint
        case .trunk(let trunk): name = "trunk \(trunk)"
        case .unknown: name = "unknown"
        }
        if let alarm = verdict.alarm {
            logger.warning("call rate jump", metadata: [
                "caller": "\(name)", "calls": "\(alarm.calls)", "baseline": "\(String(format: "%.1f", alarm.baseline))",
                "source": "\(transaction.context.source.ipAddress ?? "?")"])
        }
        guard !verdict.admitted else { return true }
        logger.info("call refused by its rate limit", metadata: [
            "callID": "\(callID)", "caller": "\(name)", "perMinute": "\(verdict.perMinute)"])
        var response = transaction.request.makeResponse(status: 503, toTag: SIPMessage.makeTag())
        response.headers.append(.retryAfter, value: String(verdict.retryAfter))
        response.headers.append(.reason, value: Q850Cause.reason(CallAdmission.congestion).description)
        response.headers.append(.warning, value: Self.warning(399, "call rate limit: \(name) may start \(verdict.perMinute) calls a minute"))
        try? transaction.respond(response)
        return false
    }

    /// Calls in setup per source address (issue 10, "Limits on everything a peer controls"): past
    /// `calls.max_in_setup_per_source` unanswered calls from one address a new one gets 503 with
    /// `Retry-After` (RFC 3261 §21.5.4) and a `Warning`; the admission it already holds is
    /// released. The count ends when the call is answered or ends. A trunk is exempt: it is
    /// identified by its address and held to its own `limits.calls`. True: go on.
    func admitSetup(_ transaction: SIPServerTransaction, callID: String, caller: CallRequest.Caller) -> Bool {
        if case .trunk = caller { return true }
        let source = transaction.context.source.ipAddress ?? "?"
        let (admitted, limit) = control.setups.withLock { ($0.begin(callID, from: source), $0.perSource) }
        guard !admitted else { return true }
        callEnded(callID)
        logger.info("call refused: too many calls in setup from its source", metadata: [
            "callID": "\(callID)", "source": "\(source)", "limit": "\(limit)"])
        var response = transaction.request.makeResponse(status: 503, toTag: SIPMessage.makeTag())
        response.headers.append(.retryAfter, value: String(control.admission.withLock { $0.limits.retryAfter }))
        response.headers.append(.reason, value: Q850Cause.reason(CallAdmission.congestion).description)
        response.headers.append(.warning, value: Self.warning(399, "\(limit) calls in setup from \(source) already"))
        try? transaction.respond(response)
        return false
    }

    /// SRTP required per endpoint (issue 10, DIALPLAN.md `srtp: require`): an offer from such an
    /// endpoint whose audio carries no SDES key (RFC 4568 `a=crypto`) is answered 488 (RFC 3261
    /// §21.4.26) with a `Warning: 302` (incompatible transport protocol, §20.43) saying why,
    /// before any leg or media port exists. True: go on.
    func admitMediaSecurity(_ transaction: SIPServerTransaction, caller: CallRequest.Caller, offer: SessionDescription?,
                            plan: DialPlan) -> Bool {
        // Without an offer (RFC 3261 §13.2.1 delayed offer) the gateway makes the offer itself.
        guard let offer, case .endpoint(let name) = caller, let endpoint = plan.endpoints[name],
              endpoint.media.srtp == .require else { return true }
        let audio = offer.media.filter { $0.media == .audio && $0.port != 0 }
        guard !audio.isEmpty, audio.allSatisfy({ $0.cryptos.isEmpty }) else { return true }
        logger.info("offer without SRTP refused", metadata: ["caller": "\(name)"])
        var response = transaction.request.makeResponse(status: 488, toTag: SIPMessage.makeTag())
        response.headers.append(.reason, value: Q850Cause.reason(forStatus: 488).description)
        response.headers.append(.warning, value: Self.warning(302, "SRTP is required for \(name): the offer has no a=crypto key"))
        try? transaction.respond(response)
        return false
    }
}
