import SDP

/// The answer to the caller's offer built when the call started (to refuse an unusable offer
/// with 488 at once), with the profile it was built for. Held in a box so the call's state
/// stays small to copy.
final class PreparedCallerAnswer: Sendable {
    let profile: SDPMediaProfile
    let answer: Negotiator.Answer

    init(profile: SDPMediaProfile, answer: Negotiator.Answer) {
        self.profile = profile
        self.answer = answer
    }

    /// The kept answer when answering `offer` with `wanted` gives the same one: the same
    /// profile, or one differing only in its video settings when the offer has no video stream
    /// (RFC 3264 §6: the answer has exactly the offer's streams, so those settings are unused).
    func answer(for wanted: SDPMediaProfile, offer: SessionDescription) -> Negotiator.Answer? {
        if wanted == profile { return answer }
        guard !offer.media.contains(where: { $0.media == .video }) else { return nil }
        var comparable = wanted
        comparable.video = profile.video
        comparable.videoCodecs = profile.videoCodecs
        return comparable == profile ? answer : nil
    }
}
