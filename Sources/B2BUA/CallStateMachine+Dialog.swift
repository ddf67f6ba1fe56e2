import Foundation
import SDP
import SIPCore

/// A side of an answered call that sent an in-dialog offer.
public enum CallSide: Sendable, Hashable {
    /// The caller's role: the inbound leg, or the leg that replaced it in a transfer the caller
    /// asked (``CallStateMachine/callerLeg``).
    case caller
    /// The answered outbound leg.
    case callee
}

extension CallStateMachine {
    /// No RTP arrived within the media timeout after the answer: both legs get BYE with
    /// `Reason: Q.850;cause=102` (recovery on timer expiry) and the gateway ends the call. Not
    /// while on hold or while a transfer target rings.
    public mutating func receiveMediaTimeout(at now: Date) -> [CallAction] {
        // A held phone sends no RTP (RFC 3264 §8.4): the timeout applies again after the resume.
        guard !hold.isOnHold else { return [] }
        // A transfer target still rings: the referrer (gone or holding) sends nothing meanwhile;
        // the engine is re-armed with the target's media when it answers.
        guard transfer == nil else { return [] }
        return hangUp(cause: Q850Cause.timerExpiry, at: now)
    }

    /// The caller never acknowledged our 2xx (RFC 3261 §13.3.1.4: after 64·T1 the UAS ends
    /// the dialog with BYE): both legs get BYE with Q.850 cause 102, like a media timeout.
    public mutating func receiveCallerAckTimeout(at now: Date) -> [CallAction] {
        hangUp(cause: Q850Cause.timerExpiry, at: now)
    }

    /// The gateway ends an answered call: BYE to both legs with `Reason: Q.850;cause=N`.
    public mutating func hangUp(cause: UInt16, at now: Date) -> [CallAction] {
        guard case .answered(let winner) = state else { return [] }
        let reason = Q850Cause.reason(cause)
        closeRecord(of: winner, at: now)
        return [.sendByeToLeg(winner, reason: reason)] + byeCallerRole(reason: reason, at: now)
            + end(by: .gateway, status: 200, cause: cause, at: now)
    }

    /// A re-INVITE or UPDATE offer from one side of the answered call (hold, unhold, a new
    /// address): answered locally with the gateway's anchored SDP on the same ports (RFC 3264
    /// §8: same origin, a new answer to a new offer), and a new media plan so the engine sends
    /// to the side's new address. The other leg is not re-INVITEd: its media keeps flowing to
    /// the gateway, which relays it (a phone on hold ignores what it receives). Nil when the
    /// offer has nothing the side's profile can answer (the handler responds 488). Video is
    /// answered only while the other side has video too (as in ``anchor(callee:early:)``: the
    /// engine relays it between the two, a stream one side alone has would lead nowhere).
    public mutating func receiveReoffer(_ offer: SessionDescription, from side: CallSide, preferring: [SDPCodec?] = [])
        -> (answer: SessionDescription, plan: MediaPlan)? {
        guard case .answered(let winner) = state, let leg = legs[winner],
              let callerAnswer, let calleeSession else { return nil }
        let calleeLocal = LocalMedia(address: media.address, ports: media.calleePorts, sessionID: media.sessionID,
                                     cryptoKeys: media.calleeCryptoKeys)
        switch side {
        case .caller:
            var profile = Self.preferring(preferring, in: callerProfile)
            if calleeSession.video == nil { profile.video = .strip }
            guard let answer = try? Negotiator(profile: profile)
                .answer(to: offer, local: callerLocal) else { return nil }
            self.callerAnswer = answer
            let plan = MediaPlan(caller: .init(localPorts: media.callerPorts, session: answer.session),
                                 callee: .init(localPorts: media.calleePorts, session: calleeSession), isEarly: false)
            return (answer.description, plan)
        case .callee:
            var profile = Self.preferring(preferring, in: leg.profile)
            if callerAnswer.session.video == nil { profile.video = .strip }
            guard let answer = try? Negotiator(profile: profile)
                .answer(to: offer, local: calleeLocal) else { return nil }
            self.calleeSession = answer.session
            let plan = MediaPlan(caller: .init(localPorts: media.callerPorts, session: callerAnswer.session),
                                 callee: .init(localPorts: media.calleePorts, session: answer.session), isEarly: false)
            return (answer.description, plan)
        }
    }

    /// The session description the gateway last sent to a side of the answered call: what a
    /// re-INVITE without an offer gets as our offer in its 200 (RFC 3261 §14.2; unchanged, so
    /// the same origin version, RFC 3264 §8).
    public func currentDescription(for side: CallSide) -> SessionDescription? {
        guard case .answered(let winner) = state else { return nil }
        if let sent = hold.sent[side] { return sent }
        switch side {
        case .caller: return callerAnswer?.description
        case .callee: return legs[winner]?.request.offer
        }
    }
}
