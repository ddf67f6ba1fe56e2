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
    /// gateway's ports of `side` (the callee's; the caller's for a target that will take the
    /// caller's role in a transfer). Video is offered only when the caller offered it, the
    /// target passes video and a port was allocated for it. The video is relayed untouched, so
    /// H.264 is offered in the caller's configurations (RFC 6184 §8.2.2: `profile-level-id` and
    /// `packetization-mode` as the caller offered them), not in the RFC 6184 §8.1 default.
    /// `cryptoKeys` replaces the side's SDES keys (a transfer target's fresh ones).
    func offer(for profile: SDPMediaProfile, toward side: CallSide = .callee,
               cryptoKeys: [[String: String]]? = nil) -> SessionDescription {
        var (ports, keys) = side == .callee ? (media.calleePorts, media.calleeCryptoKeys) : (media.callerPorts, media.callerCryptoKeys)
        if let cryptoKeys { keys = cryptoKeys }
        let callerVideo = callerOffer.media.first { $0.media == .video && $0.port != 0 }
        let kinds: [MediaType] = callerVideo != nil && profile.video == .pass && ports.count > 1
            ? [.audio, .video] : [.audio]
        var profile = profile
        if let callerVideo, kinds.contains(.video) {
            profile.videoCodecs = Self.passedThrough(profile.videoCodecs, offered: callerVideo)
        }
        let local = LocalMedia(address: media.address, ports: Array(ports.prefix(kinds.count)),
                               sessionID: media.sessionID, cryptoKeys: keys)
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
                   $0.name.sameCodecName(as: codec.name) && $0.clockRate == codec.clockRate
               }), index > 0 {
                profile.audioCodecs.insert(profile.audioCodecs.remove(at: index), at: 0)
            }
            if session.video == nil { profile.video = .strip }
            if let answered = session.video?.codec, answered.codec.isH264 {
                // RFC 6184 §8.2.2: the caller gets the configuration the called leg accepted
                // (same mode and profile, the lower level), as the video passes untouched.
                let fmtp = answered.remoteFormatParameters ?? answered.codec.formatParameters
                profile.videoCodecs = profile.videoCodecs.map { codec in
                    guard codec.isH264, codec.formatParameters == nil else { return codec }
                    var configured = codec
                    configured.formatParameters = H264Parameters(
                        formatParameters: fmtp.map { FormatParameters(format: "", parameters: $0) }).formatParameterText
                    return configured
                }
            }
            // The answer `start` built is the same when the profile is (a pure function of
            // the offer, the caller's local side and the profile, and the first two never change).
            let prepared = preparedCallerAnswer?.answer(for: profile, offer: callerOffer)
            guard var built = prepared ?? (try? Negotiator(profile: profile).answer(to: callerOffer, local: callerLocal)) else {
                return nil
            }
            preparedCallerAnswer = nil
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

    /// The video codecs to offer a leg: each H.264 entry without its own `fmtp` becomes one
    /// entry per H.264 configuration the caller offered (its `profile-level-id` and
    /// `packetization-mode`, in the caller's order); other codecs are kept as they are.
    static func passedThrough(_ codecs: [SDPCodec], offered: MediaDescription) -> [SDPCodec] {
        var result: [SDPCodec] = []
        for codec in codecs {
            guard codec.isH264, codec.formatParameters == nil else {
                result.append(codec)
                continue
            }
            let configurations = offered.formats.compactMap { format -> String? in
                guard let payloadType = UInt8(format), let map = offered.rtpMap(for: payloadType),
                      codec.matches(map, formatParameters: nil) else { return nil }
                return H264Parameters(formatParameters: offered.formatParameters(for: format)).formatParameterText
            }
            var seen = Set<String>()
            for text in configurations where seen.insert(text).inserted {
                var configured = codec
                configured.formatParameters = text
                result.append(configured)
            }
            if configurations.isEmpty { result.append(codec) }
        }
        return result
    }
}
