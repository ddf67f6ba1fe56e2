import B2BUA
import CallRecords
import DialPlan
import Foundation
import SDP
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallService {
    /// A new INVITE (on its shard's loop): identify the caller, route, then allocate media and
    /// start the call's state machine once the ports are known.
    func startCall(_ transaction: SIPServerTransaction, callID: String, shard: CallShard) {
        let request = transaction.request
        // RFC 3261 §16.3 step 3 applied by a B2BUA: the outbound legs carry one hop less, so two
        // gateways routing to each other stop (483) instead of looping.
        if let hops = request.maxForwards, hops <= 0 {
            try? transaction.respond(status: 483, toTag: SIPMessage.makeTag())
            return
        }
        let plan = dialPlans.current.plan
        let identification = identifyCaller(request, context: transaction.context, plan: plan)
        hooks.identified?(identification, transaction.context)
        let caller: CallRequest.Caller
        switch identification {
        case .endpoint(let name, _):
            if let refusal = TransportPolicy.refusal(of: request, from: plan.endpoints[name], over: transaction.context.transport) {
                logger.info("INVITE refused: TLS required", metadata: ["callID": "\(callID)", "caller": "\(name)"])
                try? transaction.respond(refusal)
                return
            }
            caller = .endpoint(name)
        case .trunk(let name):
            // A sips: Request-URI from a carrier must have come over TLS too (RFC 3261 §26.2.2).
            if let refusal = TransportPolicy.refusal(of: request, from: nil, over: transaction.context.transport) {
                logger.info("INVITE refused: sips over a plain transport", metadata: ["callID": "\(callID)", "trunk": "\(name)"])
                try? transaction.respond(refusal)
                return
            }
            caller = .trunk(name)
        case .challenge(let response), .failed(let response, _):
            logger.info("INVITE not authenticated", metadata: [
                "callID": "\(callID)", "status": "\(response.statusCode ?? 0)",
                "source": "\(transaction.context.source.ipAddress ?? "?")"])
            var tagged = response
            if request.toTag == nil, tagged.toTag == nil {
                tagged = SIPMessage.makeResponse(to: request, status: response.statusCode ?? 403,
                                                 reason: response.statusLine?.reason, toTag: SIPMessage.makeTag())
                for field in response.headers where field.name == .proxyAuthenticate {
                    tagged.headers.append(.proxyAuthenticate, bytes: field.value)
                }
            }
            try? transaction.respond(tagged)
            return
        }
        // RFC 3261 §13.2.1: the offer is in the INVITE, or (delayed offer, no body) the gateway
        // offers in its 2xx and the ACK answers; a body that is no SDP gets 488.
        let offer = request.body.isEmpty ? nil : try? SDPParser().parse(request.body)
        guard request.body.isEmpty || offer != nil else {
            var response = request.makeResponse(status: 488, toTag: SIPMessage.makeTag())
            response.headers.append(.warning, value: "399 gatehouse \"an SDP offer in the INVITE is required\"")
            try? transaction.respond(response)
            return
        }
        guard admitRate(transaction, callID: callID, caller: caller, plan: plan),
              admitMediaSecurity(transaction, caller: caller, offer: offer, plan: plan),
              admit(transaction, callID: callID, caller: caller, plan: plan),
              admitSetup(transaction, callID: callID, caller: caller) else { return }
        let from = try? request.from
        let called = (try? request.requestURI)?.sipURI?.decodedUser ?? ""
        let callRequest = CallRequest(
            caller: caller, source: transaction.context.source.ipAddress.flatMap(IPAddress.init),
            calledNumber: called, callerNumber: from?.sipURI?.decodedUser, time: Date())
        let secureCall = TransportPolicy.requestURIIsSecure(request)
        var decision = plan.route(callRequest, state: networkState(now: callRequest.time))
        if secureCall { decision = TransportPolicy.secure(decision, plan: plan) }
        let (contacts, targets) = self.contacts(for: decision, plan: plan, secureCall: secureCall)
        let call = CallContext(service: self, shard: shard, transaction: transaction, plan: plan, decision: decision,
                               offer: offer, contacts: contacts, targets: targets)
        shard.calls[callID] = call
        // The CDR's in-progress row (issue 6: a crash leaves it to be closed as interrupted).
        sink.started(CallStart(callID: callID, caller: decision.caller, called: decision.calledNumber,
                               route: decision.route?.name, started: call.startedAt))
        logger.info("INVITE", metadata: [
            "callID": "\(callID)", "caller": "\(decision.caller)", "called": "\(called)",
            "route": "\(decision.route?.name ?? "-")", "attempts": "\(decision.attempts.count)"])
        call.allocateMedia()
    }
}
