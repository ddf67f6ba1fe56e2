import SDP

/// Video added to an answered call by one side's re-offer (RFC 3264 §8.2, adding a media stream)
/// goes across re-anchored when the other side can take it: its profile passes video and the call
/// has a video port facing it (the media engine allocates video ports when the call starts with
/// a video offer, or for a delayed-offer caller whose profile passes video). The other side is
/// offered a video stream on its gateway port, in the slot of its disabled video stream (port 0)
/// or after the last one (§8.2), with the originator's H.264 configurations (relayed untouched,
/// RFC 6184 §8.2.2); the originator's offer is answered once the other side answered, with video
/// only when that side took it. Otherwise the video is refused with port 0, as before.
///
/// An audio-only call has no video port on either side: the engine reserves them first
/// (CallStateMachine+VideoPorts.swift), then the offer goes across the same way.
extension CallStateMachine {
    /// The video stream to offer `side.other` for `offer` from `side`, or nil when it adds no
    /// video the other side could take. `candidate` is our would-be answer to `offer`, `current`
    /// the side's session now. Adding means: the candidate accepts video, the current session has
    /// none, and the side did not offer it before only to have it refused by us (a re-offer of
    /// refused video, a session refresh, is no addition: the other side already declined it or
    /// cannot take it).
    func addedVideo(_ offer: SessionDescription, candidate: NegotiatedSession, current: NegotiatedSession,
                    from side: CallSide) -> MediaDescription? {
        guard current.video == nil, candidate.video != nil,
              let offered = offer.media.first(where: { $0.media == .video && $0.port != 0 }) else { return nil }
        guard !Self.refusedVideo(in: current) else { return nil }
        let other = side.other
        var profile = profile(of: other)
        let local = local(of: other)
        guard profile.video == .pass, local.ports.count >= 2 else { return nil }
        profile.videoCodecs = Self.passedThrough(profile.videoCodecs, offered: offered)
        return Negotiator(profile: profile).offer(local: local, media: [.audio, .video]).media.first { $0.media == .video }
    }

    /// `description` with `video` in the slot of its disabled video stream, else appended
    /// (RFC 3264 §8.2: a new stream reuses a port-0 slot or goes after the existing ones).
    static func adding(_ video: MediaDescription, to description: SessionDescription) -> SessionDescription {
        var description = description
        if let slot = description.media.firstIndex(where: { $0.media == .video && $0.port == 0 }) {
            description.media[slot] = video
        } else {
            description.media.append(video)
        }
        return description
    }
}
