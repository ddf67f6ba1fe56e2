import DTMF
import NIOCore

/// DTMF on a session: what the call's `DTMFInterworking` actions map to.
///
/// Received digits arrive on `events` as `MediaEvent.dtmf`. Sending follows the leg's own
/// negotiation (RFC 4733 §2.5.1): payload type and clock from the leg's `MediaCodec`, marker on
/// the first packet, one timestamp per event, cumulative durations every packet interval, the
/// end packet three times, the leg's outgoing SSRC and sequence space, and audio held back
/// during the event and continuing past it. `release()` sends the end of an event in progress.
extension MediaSession {
    /// Sets how DTMF is treated on `leg` (from the call's `MediaDirective`).
    public func configureDTMF(leg: MediaLeg, _ configuration: LegDTMFConfiguration) async throws {
        try await onLoop { core in core.configureDTMF(leg: leg, configuration) }
    }

    /// Sends `digit` on `leg` as one RFC 4733 event of `duration`; queued after any event in
    /// progress. Throws `MediaDTMFError.noTelephoneEvent` when the leg negotiated none.
    public func sendDigit(_ digit: DTMFDigit, on leg: MediaLeg, duration: TimeAmount) async throws {
        try await onLoop { core throws(MediaDTMFError) in try core.startTelephoneEvent(digit, on: leg, duration: duration) }
    }

    /// Starts an RFC 4733 event on `leg` that lasts until `stopDigit(on:minimumDuration:)` (a
    /// digit relayed live from the other leg).
    public func startDigit(_ digit: DTMFDigit, on leg: MediaLeg) async throws {
        try await onLoop { core throws(MediaDTMFError) in try core.startTelephoneEvent(digit, on: leg, duration: nil) }
    }

    /// Ends the event started by `startDigit`, making it at least `minimumDuration` long.
    public func stopDigit(on leg: MediaLeg, minimumDuration: TimeAmount = .zero) async throws {
        try await onLoop { core in core.stopTelephoneEvent(on: leg, minimumDuration: minimumDuration) }
    }

    /// Plays `digit` as tones in the audio sent to `leg` (spandsp, after the previous tone and
    /// a 100 ms gap). Works where the audio to `leg` is transcoded, or relayed G.711.
    public func generateInBand(_ digit: DTMFDigit, on leg: MediaLeg, duration: TimeAmount) async throws {
        try await onLoop { core throws(MediaDTMFError) in try core.generateTone(digit, on: leg, duration: duration) }
    }

    private func onLoop(_ body: @escaping @Sendable (RelayCore) throws(MediaDTMFError) -> Void) async throws {
        guard !state.withLockedValue({ $0.released }) else { throw MediaDTMFError.sessionReleased }
        let core = self.core
        try await eventLoop.submit { () throws in try body(core.value) }.get()
    }
}
