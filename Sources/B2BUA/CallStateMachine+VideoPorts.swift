import Foundation
import SDP

/// Video added to a call that has no video ports (it began audio-only): RFC 3264 §8.2, a stream
/// added by a re-offer. When one side's re-INVITE or UPDATE adds video its own profile accepts and
/// the other side's profile passes video, the machine asks the engine for a video stream
/// (``CallAction/allocateVideo``) and holds the offer as forwarded; the ports (or the engine's
/// refusal) come back through ``CallStateMachine/receiveVideoPorts(_:at:)`` and the offer is then
/// decided as if the call had always had them: the video goes to the other side re-anchored
/// (CallStateMachine+VideoAdd.swift; toward a door only the added video), or, without ports, it
/// is answered with port 0 while the audio goes on. When the other side refuses the offer with an
/// error (§14.1: both sessions stay as they were), or answers 2xx refusing the video (port 0),
/// the new ports go back (``CallAction/releaseVideo``); once it took the video they are the
/// call's, like video ports reserved at the start.
struct VideoAddRun: Sendable, Equatable {
    /// Where the call is with the added video's ports.
    enum Phase: Sendable, Equatable {
        /// ``CallAction/allocateVideo`` is out; the offer waits in ``HoldRelay/waiting``.
        case allocating
        /// The ports are in the gateway's offer to the other side, not yet answered.
        case offered
    }

    /// The side whose offer added the video.
    var from: CallSide
    var phase: Phase
}

extension CallStateMachine {
    /// True when `offer` from `side` adds video to a call without video ports that the other side
    /// could take: an offered video stream the side's own profile would accept, none in the side's
    /// session now, not one refused before (a refresh repeating it), and the other side's profile
    /// passes video. Audio-only offers (most re-offers) are ruled out first.
    func wantsVideoPorts(for offer: SessionDescription, from side: CallSide) -> Bool {
        guard offer.media.contains(where: { $0.media == .video && $0.port != 0 }),
              media.callerPorts.count < 2, media.calleePorts.count < 2, hold.videoAdd == nil,
              profile(of: side.other).video == .pass,
              let current = session(of: side), current.video == nil, !Self.refusedVideo(in: current),
              let audioPort = media.callerPorts.first else { return false }
        // Would the side's profile take the video with a port for it? (A stand-in port: the
        // answer is only looked at, never sent.)
        var local = local(of: side)
        local.ports.append(audioPort)
        if let keys = local.cryptoKeys.first { local.cryptoKeys.append(keys) }
        guard let candidate = try? Negotiator(profile: profile(of: side)).answer(to: offer, local: local) else { return false }
        return candidate.session.video != nil
    }

    /// True when the gateway refused a video stream of `session` itself (not port 0 in the offer,
    /// nor the peer's own refusal): a re-offer repeating that video is a refresh, no addition.
    static func refusedVideo(in session: NegotiatedSession) -> Bool {
        session.streams.contains {
            $0.media == .video && $0.rejection != nil && $0.rejection != .disabledInOffer && $0.rejection != .rejectedByPeer
        }
    }

    /// Holds `offer` from `side` (as forwarded) while the engine reserves video ports.
    mutating func requestVideoPorts(for offer: SessionDescription, from side: CallSide) -> [CallAction] {
        hold.waiting[side] = offer
        hold.videoAdd = VideoAddRun(from: side, phase: .allocating)
        return [.allocateVideo]
    }

    /// The engine's answer to ``CallAction/allocateVideo``: the video ports, or nil when it has
    /// none (ports exhausted). The waiting offer is decided now: forwarded to the other side with
    /// video on the new ports, or answered (video with port 0 without ports) or refused, through
    /// ``CallAction/answerPendingOffer(_:sdp:)`` / ``CallAction/rejectPendingOffer(_:status:)``.
    /// Ports the decision does not put in an offer go back at once (``CallAction/releaseVideo``).
    public mutating func receiveVideoPorts(_ ports: VideoAllocation?, at now: Date) -> [CallAction] {
        // The call ended meanwhile: its release frees the video stream with the rest.
        guard answeredLeg != nil else { return [] }
        guard let run = hold.videoAdd, run.phase == .allocating, let offer = hold.waiting.removeValue(forKey: run.from) else {
            return ports == nil ? [] : [.releaseVideo]
        }
        hold.videoAdd = nil
        let side = run.from
        let added = ports.map { addVideoPorts($0) } ?? false
        let (outcome, decided) = decideOffer(offer, from: side, mayAddVideoPorts: false)
        var actions: [CallAction] = []
        switch outcome {
        case .answered(let answer): actions.append(.answerPendingOffer(side, sdp: answer))
        case .rejected(let status): actions.append(.rejectPendingOffer(side, status: status))
        case .forwarded: break
        }
        actions += decided
        if ports != nil, !added {
            actions.append(.releaseVideo)
        } else if added {
            if case .forwarded = outcome, let outgoing = hold.outgoing[side.other], outgoing.mediaChange,
               outgoing.offer.media.contains(where: { $0.media == .video && $0.port != 0 }) {
                hold.videoAdd = VideoAddRun(from: side, phase: .offered)
            } else {
                removeVideoPorts()
                actions.append(.releaseVideo)
            }
        }
        // RFC 3261 §14.1: our re-INVITE toward `side`, its back-off over while this offer waited,
        // goes now that the offer is answered.
        if hold.waiting[side] == nil, hold.outgoing[side]?.retryDue == true { actions += retryReinvite(toward: side) }
        return actions
    }

    /// The offer toward `side` carrying video ports reserved for the other side's offer failed:
    /// the ports go back and the call is audio-only again, as before the offer.
    mutating func dropAddedVideo(offeredToward side: CallSide) -> [CallAction] {
        guard let run = hold.videoAdd, run.from == side.other, run.phase == .offered else { return [] }
        hold.videoAdd = nil
        removeVideoPorts()
        return [.releaseVideo]
    }

    /// The other side answered the offer carrying video ports reserved for this side's offer
    /// with 2xx but refused the video (port 0, RFC 3264 §6): the ports go back at once, and
    /// `offer` (what the gateway offered it) keeps the stream's slot with port 0, so no later
    /// offer built from it names a released port (RFC 3264 §8.2). The call is audio-only again;
    /// either side may add video anew.
    mutating func releaseRefusedVideo(offeredIn offer: inout SessionDescription) -> [CallAction] {
        guard media.callerPorts.count == 2 else { return [] }
        let released = [media.callerPorts[1], media.calleePorts[1]]
        for index in offer.media.indices where offer.media[index].media == .video && released.contains(offer.media[index].port) {
            offer.media[index].port = 0
        }
        removeVideoPorts()
        return [.releaseVideo]
    }

    /// Appends the video ports (and, for a side with SDES keys, the stream's keys) after the
    /// audio port of each side: the `m=` index 1 the added stream takes (RFC 3264 §8.2).
    private mutating func addVideoPorts(_ ports: VideoAllocation) -> Bool {
        guard media.callerPorts.count == 1, media.calleePorts.count == 1 else { return false }
        media.callerPorts.append(ports.callerPort)
        media.calleePorts.append(ports.calleePort)
        if media.callerCryptoKeys.count == 1 { media.callerCryptoKeys.append(ports.callerCryptoKeys) }
        if media.calleeCryptoKeys.count == 1 { media.calleeCryptoKeys.append(ports.calleeCryptoKeys) }
        return true
    }

    private mutating func removeVideoPorts() {
        if media.callerPorts.count == 2 { media.callerPorts.removeLast() }
        if media.calleePorts.count == 2 { media.calleePorts.removeLast() }
        if media.callerCryptoKeys.count == 2 { media.callerCryptoKeys.removeLast() }
        if media.calleeCryptoKeys.count == 2 { media.calleeCryptoKeys.removeLast() }
    }
}
