import B2BUA
import DialPlan
import Foundation
import Logging
import Registrar
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallContext {
    /// A 401/407 from a carrier on our INVITE (RFC 3261 §22.2, §8.1.3.5): when the trunk has
    /// `register:` credentials the INVITE goes again, once, with Authorization or
    /// Proxy-Authorization (same Call-ID, CSeq + 1, a new transaction). True when it was re-sent;
    /// false hands the response to the machine (a second challenge fails the leg with its status).
    func answerChallenge(_ id: CallLegID, _ response: SIPMessage) -> Bool {
        guard let status = response.statusCode, status == 401 || status == 407, var leg = legs[id],
              !leg.challengeAnswered, leg.pendingCancel == nil, !leg.cancelledBeforeSending, let target = leg.target,
              leg.request.target.kind == .trunk, let registration = plan.trunks[leg.request.target.target]?.registration,
              let secret = registration.secret.digestSecret else { return false }
        var client = DigestClient(username: registration.user, secret: secret)
        guard let retried = Self.authenticatedInvite(leg.invite, challenge: response, client: &client,
                                                     realm: registration.realm) else { return false }
        leg.challengeAnswered = true
        legs[id] = leg
        resendInvite(id, retried, to: target, reason: "answering the carrier's challenge", metadata: ["status": "\(status)"])
        return true
    }

    /// Sends leg `id`'s INVITE again as a new client transaction (CSeq already raised in
    /// `invite`): after a 401/407 (§22.2) or a 422 (RFC 4028 §7.4). The new transaction starts
    /// afresh: no early dialog, no provisional seen yet (RFC 3261 §9.1: CANCEL waits for one).
    func resendInvite(_ id: CallLegID, _ invite: SIPMessage, to target: SIPTransportTarget, reason: String,
                      metadata: Logger.Metadata = [:]) {
        guard var leg = legs[id] else { return }
        leg.invite = invite
        leg.dialog = nil
        leg.provisionalSeen = false
        leg.transaction = nil
        legs[id] = leg
        logger.info("\(reason)", metadata: metadata.merging(["callID": "\(callID)", "leg": "\(id)"]) { own, _ in own })
        send(id, to: target)
    }

    /// `invite` with the next CSeq and credentials for the challenges of `response` (401:
    /// WWW-Authenticate → Authorization, 407: Proxy-Authenticate → Proxy-Authorization, RFC 3261
    /// §22.2, §22.3), the digest uri being the Request-URI; only challenges of `realm` when set.
    /// Nil when nothing in the challenge can be answered.
    static func authenticatedInvite(_ invite: SIPMessage, challenge response: SIPMessage, client: inout DigestClient,
                                    realm: String? = nil) -> SIPMessage? {
        guard let status = response.statusCode, status == 401 || status == 407,
              let uri = invite.requestLine?.uriString, let cseq = invite.cseqNumber else { return nil }
        let proxy = status == 407
        var challenges = (try? proxy ? response.proxyAuthenticate : response.wwwAuthenticate) ?? []
        if let realm { challenges = challenges.filter { $0.realm == realm } }
        guard let credentials = client.answer(challenges, method: "INVITE", uri: uri) else { return nil }
        var message = invite
        message.headers.set(.cseq, value: "\(cseq &+ 1) INVITE")
        message.headers.removeAll(.authorization)
        message.headers.removeAll(.proxyAuthorization)
        message.headers.append(proxy ? .proxyAuthorization : .authorization, value: credentials.description)
        return message
    }
}
