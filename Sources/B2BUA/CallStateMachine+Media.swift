import DialPlan
import Foundation
import SDP

extension CallStateMachine {
    /// The gateway's side toward the caller.
    var callerLocal: LocalMedia {
        LocalMedia(address: media.address, ports: media.callerPorts, sessionID: media.sessionID,
                   cryptoKeys: media.callerCryptoKeys)
    }

    /// The offer for an outbound leg, built from the target's profile and pointing at the
    /// gateway's callee-side ports. Video is offered only when the caller offered it, the
    /// target passes video and a port was allocated for it.
    func offer(for profile: SDPMediaProfile) -> SessionDescription {
        let callerHasVideo = callerOffer.media.contains { $0.media == .video && $0.port != 0 }
        let kinds: [MediaType] = callerHasVideo && profile.video == .pass && media.calleePorts.count > 1
            ? [.audio, .video] : [.audio]
        let local = LocalMedia(address: media.address, ports: Array(media.calleePorts.prefix(kinds.count)),
                               sessionID: media.sessionID, cryptoKeys: media.calleeCryptoKeys)
        return Negotiator(profile: profile).offer(local: local, media: kinds)
    }

    /// Our answer to the caller and the media plan for a called leg's negotiated session. The
    /// first time, the caller's answer prefers the called leg's codec (so the engine can relay)
    /// and strips video the called leg did not take; once sent it stays fixed (RFC 3264 §8:
    /// a new answer would need a new offer), and a later leg with another codec is transcoded.
    mutating func anchor(callee session: NegotiatedSession, early: Bool) -> (Negotiator.Answer, MediaPlan)? {
        let answer: Negotiator.Answer
        if let fixed = callerAnswer {
            answer = fixed
        } else {
            var profile = callerProfile
            if let codec = session.audio?.codec?.codec,
               let index = profile.audioCodecs.firstIndex(where: {
                   $0.name.lowercased() == codec.name.lowercased() && $0.clockRate == codec.clockRate
               }) {
                profile.audioCodecs.insert(profile.audioCodecs.remove(at: index), at: 0)
            }
            if session.video == nil { profile.video = .strip }
            guard var built = try? Negotiator(profile: profile).answer(to: callerOffer, local: callerLocal) else {
                return nil
            }
            if delayedOffer {
                // RFC 3261 §13.2.1: this is our offer, in the 2xx; the ACK brings the answer.
                built.description = Self.offerFromPlaceholderAnswer(built.description)
                awaitingCallerAnswer = true
            }
            answer = built
            callerAnswer = built
        }
        let plan = MediaPlan(caller: .init(localPorts: media.callerPorts, session: answer.session),
                             callee: .init(localPorts: media.calleePorts, session: session), isEarly: early)
        return (answer, plan)
    }
}
