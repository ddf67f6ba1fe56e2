import Foundation
import SDP

/// A caller INVITE without SDP (delayed offer, RFC 3261 §13.2.1, RFC 3264 §4): the called legs
/// get the gateway's offers as always; the caller gets the gateway's offer from its own profile
/// (the answering leg's codec first, so the engine can relay) in the 200, and its answer comes in
/// the ACK. Until then the engine has no address for the caller's side. A caller supporting
/// 100rel gets that offer earlier, in a reliable 18x, when a called leg has early media
/// (CallStateMachine+EarlyOffer).
extension CallStateMachine {
    /// What the machine negotiates against when the caller offered nothing: every audio codec of
    /// the caller's profile, from no address (`0.0.0.0`, port 9), so the answer built from it
    /// lists the profile's codecs and configures nothing in the engine. With `video` (the engine
    /// gave the caller's side a video port) and a profile that passes video, a video stream of
    /// the profile's video codecs too: the called legs are offered video, and the caller gets it
    /// in our offer when a called leg takes it.
    static func placeholderOffer(for profile: SDPMediaProfile, video: Bool = false) -> SessionDescription {
        let kinds: [MediaType] = video && profile.video == .pass && !profile.videoCodecs.isEmpty ? [.audio, .video] : [.audio]
        var profile = profile
        // The caller's H.264 configuration is unknown: the called legs are offered both
        // packetization modes (RFC 6184 §8.2.2 matches on the mode), the answer's one is ours.
        profile.videoCodecs = profile.videoCodecs.flatMap { codec -> [SDPCodec] in
            guard codec.isH264, codec.formatParameters == nil else { return [codec] }
            return delayedOfferH264.map { text in
                var configured = codec
                configured.formatParameters = text
                return configured
            }
        }
        return Negotiator(profile: profile).offer(local: LocalMedia(address: "0.0.0.0", ports: kinds.map { _ in 9 }, sessionID: "0"),
                                                  media: kinds)
    }

    /// The H.264 configurations offered for a caller that offered nothing: Constrained Baseline
    /// level 3.1 in packetization mode 1, then mode 0.
    static let delayedOfferH264 = ["profile-level-id=42e01f;packetization-mode=1", "profile-level-id=42e01f;packetization-mode=0"]

    /// The answer built against the placeholder, turned into our offer: `sendrecv` (the
    /// placeholder's `0.0.0.0` reads as hold and would have made it `recvonly`), and without the
    /// streams the answer rejected (video no called leg took: an initial offer need not list it).
    static func offerFromPlaceholderAnswer(_ answer: SessionDescription) -> SessionDescription {
        var offer = answer
        offer.media.removeAll { $0.port == 0 }
        offer.attributes.removeAll { $0.value == nil && MediaDirection(rawValue: $0.name.lowercased()) != nil }
        for index in offer.media.indices where offer.media[index].port != 0 {
            offer.media[index].attributes.setDirection(.sendrecv)
        }
        return offer
    }

    /// True from the 200 with our offer to a delayed-offer caller until its ACK.
    public var isAwaitingCallerAnswer: Bool { awaitingCallerAnswer }

    /// The SDP of the caller's ACK (nil when it has none) for a delayed-offer call: the answer to
    /// the offer in our 200. A usable answer points the engine at the caller; none, or one with
    /// nothing in common, ends the call (RFC 3261 §13.2.1 leaves the UAS nothing else to do: BYE
    /// both legs, Q.850 cause 88). Nothing happens for other calls or a second ACK.
    public mutating func receiveCallerAnswer(_ answer: SessionDescription?, at now: Date) -> [CallAction] {
        guard awaitingCallerAnswer, case .answered = state, let offer = callerAnswer?.description else { return [] }
        awaitingCallerAnswer = false
        guard let answer, let session = try? Negotiator(profile: callerProfile).negotiate(offer: offer, answer: answer),
              session.audio != nil, let calleeSession else {
            return hangUp(cause: Q850Cause.incompatibleDestination, at: now)
        }
        callerAnswer?.session = session
        hold.sent[.caller] = offer
        var actions: [CallAction] = [.updateMedia(MediaPlan(caller: .init(localPorts: media.callerPorts, session: session),
                                                            callee: .init(localPorts: media.calleePorts, session: calleeSession),
                                                            isEarly: false))]
        // A hold from the callee that came before this ACK (answered locally then) goes on now.
        let wanted = hold.offered[.callee] ?? .sendrecv
        if wanted != (hold.established[.caller] ?? .sendrecv), hold.outgoing[.caller] == nil, !isDoor(.caller) {
            actions += sendReinvite(toward: .caller, direction: wanted)
        }
        return actions
    }
}
