import SDP

/// Codec and stream changes passed across the legs (RFC 3264 §8.3): an in-dialog offer from one
/// side that changes what that side sends (its audio codec, video dropped or added) is re-anchored
/// and offered to the other side, so both legs can move to the new codec and the engine relays
/// instead of transcoding. A new address or port alone stays local (the engine re-latches).
///
/// The forwarded offer carries the originator's codecs the other side's profile has (in the
/// originator's order), then the codec the other side uses now: a peer that cannot (or will
/// not) switch keeps its codec and the gateway transcodes, rather than refusing the change. A
/// change the other side could not follow anyway (none of the new codecs in its profile, or it
/// already uses the first of them) is answered locally, as is every change toward a door.
extension CallStateMachine {
    /// The offer to send to `side.other` for `offer` from `side`, or nil when the offer does not
    /// change that side's media or the other side would get nothing new (answered locally).
    /// `onlyAddedVideo` (toward a door): only video added goes across, with the audio as it was.
    func mediaChangeOffer(_ offer: SessionDescription, from side: CallSide,
                          onlyAddedVideo: Bool = false) -> SessionDescription? {
        let other = side.other
        guard let current = session(of: side), let otherSession = session(of: other),
              let candidate = try? Negotiator(profile: Self.preferring([current.audio?.codec?.codec], in: profile(of: side)))
                  .answer(to: offer, local: local(of: side)) else { return nil }
        let newCodec = candidate.session.audio?.codec?.codec
        let codecChanged = !Self.sameCodec(newCodec, current.audio?.codec?.codec)
        let videoDropped = current.video != nil && candidate.session.video == nil
        // Video added (CallStateMachine+VideoAdd.swift): offered to the other side when it can take it.
        let videoAdded = addedVideo(offer, candidate: candidate.session, current: current, from: side)
        guard codecChanged || videoDropped || videoAdded != nil,
              let base = hold.sent[other] ?? currentDescription(for: other),
              let audioIndex = base.media.firstIndex(where: { $0.media == .audio && $0.port != 0 }) else { return nil }
        var composed = base
        if let videoAdded { composed = Self.adding(videoAdded, to: composed) }
        if onlyAddedVideo {
            guard videoAdded != nil else { return nil }
            return finishMediaChange(composed, offer: offer, videoDropped: false)
        }
        if codecChanged {
            // The originator's new audio codecs, in its order, that the other side speaks; then
            // the other side's current codec as the fallback (transcoded).
            let otherCodec = otherSession.audio?.codec?.codec
            let offered = Self.audioCodecs(of: offer)
            var codecs = offered.compactMap { map in profile(of: other).audioCodecs.first { $0.matches(map, formatParameters: nil) } }
            guard let first = codecs.first, !Self.sameCodec(first, otherCodec) else {
                if !videoDropped && videoAdded == nil { return nil }
                return finishMediaChange(composed, offer: offer, videoDropped: videoDropped)
            }
            if let otherCodec, let known = profile(of: other).audioCodecs.first(where: { Self.sameCodec($0, otherCodec) }),
               !codecs.contains(where: { Self.sameCodec($0, known) }) {
                codecs.append(known)
            }
            var reordered = profile(of: other)
            reordered.audioCodecs = codecs.reduce(into: [SDPCodec]()) { list, codec in
                if !list.contains(where: { Self.sameCodec($0, codec) }) { list.append(codec) }
            }
            let fresh = Negotiator(profile: reordered).offer(local: local(of: other), media: [.audio])
            guard let audio = fresh.media.first else { return nil }
            composed.media[audioIndex] = audio
        }
        return finishMediaChange(composed, offer: offer, videoDropped: videoDropped)
    }

    /// `composed` with video refused (port 0) when the originator dropped it, the originator's
    /// direction on every stream in use and the origin version one above the last one sent.
    private func finishMediaChange(_ composed: SessionDescription, offer: SessionDescription,
                                   videoDropped: Bool) -> SessionDescription {
        var composed = composed
        if videoDropped {
            for index in composed.media.indices where composed.media[index].media == .video {
                composed.media[index].port = 0
            }
        }
        return HoldRelay.offer(from: composed, direction: HoldRelay.audioDirection(of: offer))
    }

    /// The offer for a media change goes to `side`; the originator's offer waits for its answer.
    mutating func forwardMediaChange(_ forwarded: SessionDescription, offer: SessionDescription,
                                     from side: CallSide) -> [CallAction] {
        let direction = HoldRelay.audioDirection(of: offer)
        hold.previousOffered[side] = hold.offered[side] ?? .sendrecv
        hold.offered[side] = direction
        hold.waiting[side] = offer
        return sendOffer(forwarded, direction: direction, toward: side.other, mediaChange: true)
    }

    /// Sends `offer` (version above any sent to `side` before) and records it as the gateway's
    /// re-INVITE toward `side`.
    mutating func sendOffer(_ offer: SessionDescription, direction: MediaDirection, toward side: CallSide,
                            mediaChange: Bool) -> [CallAction] {
        var offer = offer
        if let last = hold.lastVersion[side], (UInt64(offer.origin.sessionVersion) ?? 0) <= last {
            offer.origin.sessionVersion = String(last &+ 1)
        }
        hold.lastVersion[side] = UInt64(offer.origin.sessionVersion)
        hold.outgoing[side] = .init(offer: offer, direction: direction, mediaChange: mediaChange)
        return [.sendReinvite(side, offer: offer)]
    }

    /// A forwarded media change failed with `status` (RFC 3261 §14.1: the session stays as it
    /// was): the originator's offer gets the same status and its hold state goes back.
    mutating func rejectWaiting(toward side: CallSide, status: Int) -> [CallAction] {
        guard hold.waiting.removeValue(forKey: side) != nil else { return [] }
        hold.offered[side] = hold.previousOffered.removeValue(forKey: side)
        return [.rejectPendingOffer(side, status: status)]
    }

    /// The negotiated session of a side of the answered call.
    func session(of side: CallSide) -> NegotiatedSession? {
        side == .caller ? callerAnswer?.session : calleeSession
    }

    /// The codecs an answer to a side's offer prefers: the other side's current codec (so the
    /// engine can relay), then the side's own (nothing changes when the offer still has it).
    func preferredCodecs(answering side: CallSide) -> [SDPCodec?] {
        [session(of: side.other)?.audio?.codec?.codec, session(of: side)?.audio?.codec?.codec]
    }

    /// `profile` with `codecs` (those it has) moved to the front, in that order.
    static func preferring(_ codecs: [SDPCodec?], in profile: SDPMediaProfile) -> SDPMediaProfile {
        var profile = profile
        for codec in codecs.compactMap({ $0 }).reversed() {
            guard let index = profile.audioCodecs.firstIndex(where: { sameCodec($0, codec) }) else { continue }
            profile.audioCodecs.insert(profile.audioCodecs.remove(at: index), at: 0)
        }
        return profile
    }

    /// Same encoding name (case-insensitive) and clock rate.
    static func sameCodec(_ left: SDPCodec?, _ right: SDPCodec?) -> Bool {
        guard let left, let right else { return left == nil && right == nil }
        return left.name.sameCodecName(as: right.name) && left.clockRate == right.clockRate
    }

    /// The rtpmaps of the first audio stream in use of `offer`, in its order (telephone-event left out).
    static func audioCodecs(of offer: SessionDescription) -> [RTPMap] {
        guard let audio = offer.media.first(where: { $0.media == .audio && $0.port != 0 }) else { return [] }
        return audio.formats.compactMap { format in
            guard let payloadType = UInt8(format), let map = audio.rtpMap(for: payloadType),
                  map.encodingName.lowercased() != Codec.telephoneEventName else { return nil }
            return map
        }
    }
}
