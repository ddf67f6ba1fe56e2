import SDP

/// Hold and unhold passed across the two legs of an answered call, and the gateway's own
/// re-INVITEs (RFC 3261 §14, RFC 3264 §8.4): what each side last asked for, what the gateway
/// agreed with each side, the re-INVITE in progress toward a side, and the offer a side waits
/// to have answered. Kept by ``CallStateMachine``; pure data and arithmetic.
struct HoldRelay: Sendable {
    /// A re-INVITE the gateway sent (or will re-send after a 491) toward one side.
    struct Outgoing: Sendable, Equatable {
        /// The offer in it.
        var offer: SessionDescription
        /// The audio direction it offers.
        var direction: MediaDirection
        /// True after a 491: the RFC 3261 §14.1 back-off timer runs, nothing is in progress.
        var waitingForRetry = false
        /// How many times this offer was re-sent after a 491 (at most ``HoldRelay/glareRetryLimit``).
        var retries = 0
        /// The back-off ended while the side's own INVITE waited for our answer: the retry goes
        /// once that INVITE is answered (RFC 3261 §14.1: no INVITE while one is in progress in
        /// either direction).
        var retryDue = false
        /// A codec or stream change (CallStateMachine+MediaChange): re-sent as it is after a 491,
        /// and a failure goes back to the originator instead of being answered locally.
        var mediaChange = false
    }

    /// Re-sends of one re-INVITE after 491 before the gateway gives up and keeps the media as it
    /// is (the waiting offer answered locally): a peer that always answers 491 cannot loop it.
    static let glareRetryLimit = 3

    /// The audio direction each side's last offer asked for (absent: `sendrecv`).
    var offered: [CallSide: MediaDirection] = [:]
    /// The audio direction the gateway last agreed with each side in its own offer.
    var established: [CallSide: MediaDirection] = [:]
    /// The gateway's re-INVITE toward a side.
    var outgoing: [CallSide: Outgoing] = [:]
    /// An offer from a side, answered once the other side has answered the gateway's re-INVITE.
    var waiting: [CallSide: SessionDescription] = [:]
    /// The last description the gateway sent to a side in the dialog (offer or answer).
    var sent: [CallSide: SessionDescription] = [:]
    /// The origin version of the last offer sent to a side, taken or not: the next one is higher.
    var lastVersion: [CallSide: UInt64] = [:]
    /// A side's ``offered`` direction before its media change was forwarded: restored when the
    /// change fails (the session stays as it was, RFC 3261 §14.1).
    var previousOffered: [CallSide: MediaDirection] = [:]
    /// Video added mid-call to a call without video ports: waiting for the engine's ports, or
    /// offered to the other side on them (CallStateMachine+VideoPorts.swift).
    var videoAdd: VideoAddRun?

    /// True while either side holds the other (its last offer was not `sendrecv`): no media
    /// timeout then, since a held phone sends nothing (RFC 3264 §8.4).
    var isOnHold: Bool { offered.values.contains { $0 != .sendrecv } }

    /// The direction of the first audio stream of `offer`, `0.0.0.0` counting as hold
    /// (``SessionDescription/direction(ofMedia:)``); `sendrecv` without audio.
    static func audioDirection(of offer: SessionDescription) -> MediaDirection {
        guard let index = offer.media.firstIndex(where: { $0.media == .audio && $0.port != 0 }) else { return .sendrecv }
        return offer.direction(ofMedia: index)
    }

    /// A new offer from the last description sent: every stream in use gets `direction`, the
    /// session-level direction goes, and the origin version is one more (RFC 3264 §8: same
    /// origin, version increased for a changed description).
    static func offer(from base: SessionDescription, direction: MediaDirection) -> SessionDescription {
        var offer = base
        offer.attributes.removeAll { $0.value == nil && MediaDirection(rawValue: $0.name.lowercased()) != nil }
        for index in offer.media.indices where offer.media[index].port != 0 {
            offer.media[index].attributes.setDirection(direction)
        }
        offer.origin.sessionVersion = nextVersion(after: base.origin.sessionVersion)
        return offer
    }

    /// `description` with an origin version above `previous` when its content differs (RFC 3264
    /// §8); `previous` itself when nothing changed.
    static func versioned(_ description: SessionDescription, after previous: SessionDescription?) -> SessionDescription {
        guard let previous else { return description }
        var candidate = description
        candidate.origin = previous.origin
        if candidate == previous { return previous }
        candidate.origin.sessionVersion = nextVersion(after: previous.origin.sessionVersion)
        return candidate
    }

    static func nextVersion(after version: String) -> String {
        String((UInt64(version) ?? 0) &+ 1)
    }

    /// The RFC 3261 §14.1 back-off after a 491, in whole 10 ms units: 2.1–4 s when the gateway
    /// generated the dialog's Call-ID (the called legs), 0–2 s otherwise (the caller's leg).
    /// `fraction` is a random number in 0...1 chosen by the caller of the machine.
    static func glareBackoff(ownsCallID: Bool, fraction: Double) -> Duration {
        let unit = min(max(fraction, 0), 1)
        let tens = ownsCallID ? 210 + Int((unit * 190).rounded()) : Int((unit * 200).rounded())
        return .milliseconds(tens * 10)
    }
}

extension CallSide {
    /// The other side of the call.
    public var other: CallSide { self == .caller ? .callee : .caller }
}
