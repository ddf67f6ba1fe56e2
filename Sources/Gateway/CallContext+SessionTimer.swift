import B2BUA
import Foundation
import NIOCore
import SIPCore
import SIPStack
import SIPTransport

@available(macOS 15.0, *)
extension CallService {
    /// RFC 4028 preferences on every leg: 1800 s asked, 90 s accepted.
    static let sessionTimerSettings = SessionTimer.Settings()
}

/// One of the call's dialogs: the inbound one (the caller's INVITE) or an outbound leg's. Keys
/// the RFC 4028 timers and the requests the gateway sends in a dialog (CallContext+Roles).
enum SessionTimerKey: Hashable, Sendable, CustomStringConvertible {
    case caller
    case leg(CallLegID)

    var description: String {
        switch self {
        case .caller: "caller"
        case .leg(let id): "leg \(id)"
        }
    }
}

/// One leg's running RFC 4028 timer and the wheel timer of its next deadline.
struct RunningSessionTimer {
    var timer: SessionTimer
    var scheduled: TimerHandle?
    /// The peer's Allow lists UPDATE: refreshes use UPDATE instead of re-INVITE (§10).
    var peerAllowsUpdate: Bool
    /// Our refresh (a re-INVITE or UPDATE with our offer) is out in this dialog, its final
    /// response not yet in: RFC 3261 §14.1/§14.2 and RFC 3311 §5.2, no other offer may cross it.
    var refreshInFlight = false
    /// A re-INVITE of ours (hold relayed from the other side) that waits for that refresh.
    var deferredReinvite: (() -> Void)?
    /// The refresh fell due while the peer's offer was pending and waits (logged once).
    var waitingForOffer = false
}

@available(macOS 15.0, *)
extension CallContext {
    // MARK: - Caller leg (we are the UAS, RFC 4028 §9)

    /// The caller's INVITE asks an interval below our Min-SE: 422 with `Min-SE` (§8.1.1, §9),
    /// and the call ends before anything is allocated. True when rejected.
    func rejectBriefSession() -> Bool {
        guard case .reject(let minSE) = callerSessionOffer(now: Date()) else { return false }
        var response = invite.makeResponse(status: 422, toTag: callerTag)
        response.headers.append(.minSE, value: "\(minSE)")
        try? transaction.respond(response)
        logger.info("session interval too brief", metadata: ["callID": "\(callID)", "minSE": "\(minSE)"])
        finish()
        return true
    }

    func callerSessionOffer(now: Date) -> SessionTimer.Offer {
        let supported = ((try? invite.supported)?.contains(OptionTags.timer)) ?? false
        return SessionTimer.answer(sessionExpires: try? invite.sessionExpires, minSE: invite.minSE,
                                   supportsTimer: supported, settings: CallService.sessionTimerSettings, now: now)
    }

    /// Our 2xx to the caller: Session-Expires (and Require: timer) per §9, and the caller's
    /// timer starts.
    func addCallerSessionTimer(to response: inout SIPMessage) {
        guard sessionTimers[.caller] == nil, case .accept(let timer, let headers) = callerSessionOffer(now: Date()) else { return }
        for (name, value) in headers { response.headers.append(name, value: value) }
        guard let timer else { return }
        let allow = Self.allowsUpdate(invite.headers[.allow])
        startSessionTimer(.caller, timer, peerAllowsUpdate: allow)
    }

    // MARK: - Outbound legs (we are the UAC, RFC 4028 §7)

    /// A 422 on a leg's INVITE (§7.4): the INVITE goes again, once, with a Session-Expires of at
    /// least the response's Min-SE (CSeq + 1, a new transaction). True when re-sent.
    func retryTooBrief(_ id: CallLegID, _ response: SIPMessage) -> Bool {
        guard response.statusCode == 422, var leg = legs[id], !leg.sessionRetried, leg.pendingCancel == nil,
              !leg.cancelledBeforeSending, let target = leg.target, let minSE = response.minSE,
              let cseq = leg.invite.cseqNumber else { return false }
        var invite = leg.invite
        for (name, value) in SessionTimer.requestHeaders(settings: CallService.sessionTimerSettings, atLeast: minSE)
        where name != .supported {
            invite.headers.set(name, value: value)
        }
        invite.headers.set(.cseq, value: "\(cseq &+ 1) INVITE")
        leg.sessionRetried = true
        legs[id] = leg
        resendInvite(id, invite, to: target, reason: "session interval raised after 422", metadata: ["minSE": "\(minSE)"])
        return true
    }

    /// The 2xx on a leg (§7.2): its Session-Expires decides the interval and the refresher.
    func startLegSessionTimer(_ id: CallLegID, _ response: SIPMessage) {
        guard sessionTimers[.leg(id)] == nil,
              let timer = SessionTimer.fromResponse(sessionExpires: try? response.sessionExpires,
                                                    settings: CallService.sessionTimerSettings, now: Date()) else { return }
        let allow = Self.allowsUpdate(response.headers[.allow])
        startSessionTimer(.leg(id), timer, peerAllowsUpdate: allow)
    }

    // MARK: - Deadlines

    func startSessionTimer(_ key: SessionTimerKey, _ timer: SessionTimer, peerAllowsUpdate: Bool) {
        if let scheduled = sessionTimers[key]?.scheduled { shard.timerWheel.cancel(scheduled) }
        sessionTimers[key] = RunningSessionTimer(timer: timer, scheduled: nil, peerAllowsUpdate: peerAllowsUpdate)
        scheduleSessionTimer(key)
    }

    /// Schedules the next deadline of `key` on the call's loop (§10), or a new look after `recheck`
    /// (a refresh waiting for an INVITE transaction in the dialog to end; its deadline has passed).
    func scheduleSessionTimer(_ key: SessionTimerKey, recheck: Duration? = nil) {
        guard var running = sessionTimers[key], !finished else { return }
        if let scheduled = running.scheduled { shard.timerWheel.cancel(scheduled) }
        let at: Date
        switch running.timer.nextAction {
        case .refresh(let date), .expire(let date): at = date
        }
        var milliseconds = Int64(max(0, at.timeIntervalSinceNow) * 1000)
        if let recheck { milliseconds = recheck.components.seconds * 1000 }
        running.scheduled = shard.timerWheel.schedule(in: .milliseconds(milliseconds)) { [self] in
            sessionTimerFired(key)
        }
        sessionTimers[key] = running
    }

    func sessionTimerFired(_ key: SessionTimerKey) {
        guard let running = sessionTimers[key], !finished else { return }
        sessionTimers[key]?.scheduled = nil
        if side(of: key) == nil {
            // A leg that lost the race, never answered for good, or left (a transfer), or an inbound
            // dialog whose caller transferred the call: no timer.
            return dropSessionTimer(key)
        }
        let due: Date
        switch running.timer.nextAction {
        case .refresh(let date), .expire(let date): due = date
        }
        // A task that was already on its way when the timer moved on (a refresh seen meanwhile,
        // which rescheduled it): not due yet.
        if due.timeIntervalSinceNow > Self.earlyFireTolerance { return scheduleSessionTimer(key) }
        switch running.timer.nextAction {
        case .refresh:
            sendSessionRefresh(key)
        case .expire:
            // §10: no refresh seen before the session expired: BYE both legs, Q.850 cause 102.
            logger.info("session expired", metadata: ["callID": "\(callID)", "side": "\(key)"])
            drive { $0.hangUp(cause: Q850Cause.timerExpiry, at: Date()) }
        }
    }

    /// A refresh from the peer (re-INVITE or UPDATE inside the dialog) restarts its timer; a
    /// Session-Expires in it sets the interval and who refreshes from now on (§9: the request's
    /// `refresher`, the UAC when absent). Returns the fields for our 2xx (§9).
    @discardableResult
    func sessionRefreshed(by request: SIPMessage, side: CallSide, leg: CallLegID?) -> [(HeaderName, String)] {
        let key: SessionTimerKey = leg.map { .leg($0) } ?? .caller
        guard side == .caller || leg != nil, sessionTimers[key] != nil else { return [] }
        let now = Date()
        var headers: [(HeaderName, String)] = []
        if let requested = try? request.sessionExpires,
           requested.seconds >= SessionTimer.Settings.absoluteMinimum {
            let refresher = requested.refresher ?? .uac
            sessionTimers[key]?.timer = SessionTimer(interval: requested.seconds, weRefresh: refresher == .uas, refreshedAt: now)
            headers.append((.sessionExpires, "\(requested.seconds);refresher=\(refresher.rawValue)"))
            if ((try? request.supported)?.contains(OptionTags.timer)) ?? false { headers.append((.require, OptionTags.timer)) }
        } else {
            sessionTimers[key]?.timer.refreshed(at: now)
        }
        sessionTimers[key]?.waitingForOffer = false
        scheduleSessionTimer(key)
        return headers
    }

    /// Sends our refresh (§7.4, §10): UPDATE when the peer allows it, else a re-INVITE, with our
    /// current SDP for that leg; a 2xx restarts the timer, 408/481 (or no answer) ends the call
    /// cleanly with BYE on both legs (§10), anything else keeps the session going.
    func sendSessionRefresh(_ key: SessionTimerKey) {
        guard let running = sessionTimers[key], let stack, let role = side(of: key) else { return }
        // A hold re-INVITE is out in that dialog: its 2xx refreshes the session (CallContext+Hold).
        if machine?.isReinvitePending(toward: role) == true {
            sessionTimers[key]?.timer.refreshed(at: Date())
            return scheduleSessionTimer(key)
        }
        // RFC 3261 §14.1: the peer's own offer (re-INVITE or UPDATE) is pending in that dialog,
        // relayed to the other side: no INVITE of ours may cross it. Our 2xx to it refreshes the
        // session (``sessionRefreshed(by:side:leg:)``); until then look again shortly.
        if machine?.isOfferPending(from: role) == true {
            if sessionTimers[key]?.waitingForOffer == false {
                logger.info("session refresh waits for the peer's offer", metadata: ["callID": "\(callID)", "side": "\(key)"])
            }
            sessionTimers[key]?.waitingForOffer = true
            return scheduleSessionTimer(key, recheck: Self.refreshRecheck)
        }
        sessionTimers[key]?.waitingForOffer = false
        guard var dialogRoute = route(key) else { return }
        let method: SIPMethod = running.peerAllowsUpdate ? .update : .invite
        let body = machine?.currentDescription(for: role).map(\.bytes) ?? []
        let outgoing = dialogRoute.dialog.makeRequest(
            method, contact: dialogRoute.contact,
            headers: [(.supported, OptionTags.timer), (.sessionExpires, "\(running.timer.interval);refresher=uac")],
            body: body, contentType: body.isEmpty ? nil : "application/sdp")
        store(dialogRoute)
        sessionTimers[key]?.refreshInFlight = true
        logger.debug("session refresh", metadata: ["callID": "\(callID)", "side": "\(key)", "method": "\(method)"])
        let shard = self.shard
        let target = dialogRoute.target
        stack.sendRequest(outgoing.message, to: target) { [self] event in
            guard event.isFinal else { return }
            shard.eventLoop.execute { self.sessionRefreshAnswered(key, event, request: outgoing.message, target: target) }
        }
    }

    /// How soon a refresh that waits for the peer's pending offer looks again.
    static let refreshRecheck: Duration = .seconds(1)
    /// A deadline further away than this when its task runs was moved meanwhile (the task is stale).
    static let earlyFireTolerance: TimeInterval = 0.5

    /// True while our refresh is out in the dialog carrying `side` (RFC 3261 §14.2, RFC 3311
    /// §5.2: a re-INVITE or an offer from the peer meanwhile gets 491).
    func refreshInProgress(toward side: CallSide) -> Bool {
        dialogKey(of: side).flatMap { sessionTimers[$0]?.refreshInFlight } ?? false
    }

    /// Runs `send` (our re-INVITE toward `side`) now, or after the refresh out in that dialog has
    /// its final response (RFC 3261 §14.1: one INVITE transaction at a time, one offer at a time).
    func afterRefresh(toward side: CallSide, _ send: @escaping () -> Void) {
        guard let key = dialogKey(of: side), sessionTimers[key]?.refreshInFlight == true else { return send() }
        sessionTimers[key]?.deferredReinvite = send
    }

    /// The dialog `key` carries no side any more: its timer goes; a re-INVITE that waited for its
    /// refresh goes now (into the dialog that carries that side now).
    func dropSessionTimer(_ key: SessionTimerKey) {
        let removed = sessionTimers.removeValue(forKey: key)
        if let scheduled = removed?.scheduled { shard.timerWheel.cancel(scheduled) }
        removed?.deferredReinvite?()
    }

    /// The refresh in `key` is over: a re-INVITE that waited for it goes now.
    func refreshFinished(_ key: SessionTimerKey) {
        sessionTimers[key]?.refreshInFlight = false
        if let deferred = sessionTimers[key]?.deferredReinvite {
            sessionTimers[key]?.deferredReinvite = nil
            deferred()
        }
    }

    func sessionRefreshAnswered(_ key: SessionTimerKey, _ event: SIPClientEvent, request: SIPMessage,
                                target: SIPTransportTarget) {
        guard !finished, sessionTimers[key] != nil else { return }
        defer { refreshFinished(key) }
        if side(of: key) == nil {
            // The dialog was replaced meanwhile (a transfer): its 481 must not end the call.
            return dropSessionTimer(key)
        }
        let status = event.statusCode
        if case .final(let response) = event, (200..<300).contains(status), request.method == .invite {
            // RFC 3261 §13.2.2.4: the re-INVITE's 2xx is acknowledged in the dialog.
            if let current = dialog(key), let stack {
                let ack = current.makeAck(inviteSequence: request.cseqNumber ?? 1).message
                _ = stack.sendAck(for: ack, response: response, to: target)
            }
        }
        if status == 408 || status == 481 {
            logger.info("session refresh failed", metadata: ["callID": "\(callID)", "side": "\(key)", "status": "\(status)"])
            drive { $0.hangUp(cause: Q850Cause.timerExpiry, at: Date()) }
            return
        }
        if case .final(let response) = event, (200..<300).contains(status),
           let updated = SessionTimer.fromResponse(sessionExpires: try? response.sessionExpires,
                                                   settings: CallService.sessionTimerSettings, now: Date()),
           response.headers[.sessionExpires] != nil {
            sessionTimers[key]?.timer = updated
        } else {
            sessionTimers[key]?.timer.refreshed(at: Date())
        }
        scheduleSessionTimer(key)
    }

    /// The call is over: no deadline stays scheduled.
    func stopSessionTimers() {
        for running in sessionTimers.values { if let scheduled = running.scheduled { shard.timerWheel.cancel(scheduled) } }
        sessionTimers.removeAll()
    }
}
