import DTMF
import NIOCore
import Transcoding

/// The DTMF state of one media session (`RelayCore.dtmf`): per leg, what is received from it
/// and what is sent to it. Lives on the session's event loop only, like `RelayCore`.
final class RelayDTMF {
    /// Whether anything beyond telephone-event decoding is active (in-band detection, an event
    /// or tone being sent): without it the per-packet hook costs one compare and this flag.
    var isEngaged = false
    let legs: [LegDTMF] = [LegDTMF(), LegDTMF()]

    subscript(leg: MediaLeg) -> LegDTMF { legs[leg.rawValue] }

    func updateEngaged() {
        isEngaged = legs.contains { leg in
            leg.configuration?.detectsInBand == true || leg.sender != nil || leg.generator?.isActive == true
        }
    }
}

/// One leg's DTMF state.
final class LegDTMF {
    // MARK: Received from this leg

    /// Settings from `configureDTMF`; `nil` means the defaults (report, forward).
    var configuration: LegDTMFConfiguration?
    /// Decodes this leg's telephone-events; rebuilt when its payload type or clock changes.
    var receiver: TelephoneEventReceiver?
    /// The silence timer of the receiver's event in progress.
    var receiverTimer: Scheduled<Void>?
    /// In-band detection on a relayed direction: a decoder for a copy of the payload.
    var detector: InBandDTMFDetector?
    var decoder: (any AudioCodec)?
    var downsampler: Resampler?
    var decoded: [Int16] = []
    var narrow: [Int16] = []
    /// The tap on the transcoded direction *from* this leg: detection of this leg's tones and
    /// generation of tones toward the other leg.
    var tap: DTMFDirectionTap?

    // MARK: Sent to this leg

    /// RFC 4733 events to this leg, ticked by `senderTask` every packet interval.
    var sender: TelephoneEventSender?
    var senderTask: RepeatedTask?
    /// The stream clock of the events: the timestamp of the interval being sent.
    var senderClock: UInt32 = 0
    /// Tones written into this leg's audio.
    var generator: InBandDTMFGenerator?
    /// The encoder for tones written into a relayed G.711 payload.
    var encoder: (any AudioCodec)?
    var tone: [Int16] = []
    /// The last audio timestamp the transcoded direction sent to this leg, and when.
    var lastTranscodedTimestamp: UInt32?
    var lastTranscodedAt: UInt64 = 0

    var swallowsTelephoneEvents: Bool { configuration?.swallowsTelephoneEvents ?? false }

    /// Cancels this leg's timers.
    func cancelTimers() {
        receiverTimer?.cancel()
        receiverTimer = nil
        senderTask?.cancel()
        senderTask = nil
    }
}
