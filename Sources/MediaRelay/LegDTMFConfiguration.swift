import DTMF
import NIOCore

/// How the media path treats DTMF on one leg (`MediaSession.configureDTMF(leg:_:)`), as the
/// call's `DTMFInterworking.MediaDirective` says.
///
/// Telephone-events on a leg whose codec has a `telephoneEventPayloadType` are always decoded
/// and reported as `MediaEvent.dtmf`; this decides what else happens.
public struct LegDTMFConfiguration: Hashable, Sendable {
    /// Telephone-events received on this leg are not forwarded to the other leg (the call
    /// converts the digit itself). When false they are relayed as before, with the other leg's
    /// payload type, between relay-compatible codecs.
    public var swallowsTelephoneEvents: Bool
    /// Run spandsp's in-band detector on this leg's audio: on a transcoded direction in the
    /// decoded audio, on a relayed one by decoding a copy. Digits are reported as
    /// `MediaEvent.dtmf` with method `inband`.
    public var detectsInBand: Bool
    /// Strip detected tones from this leg's audio toward the other leg: on a transcoded
    /// direction through a 40 ms delay line (the onset too), on a relayed G.711 direction from
    /// detection on (the first ~40 ms of a tone pass).
    public var removesInBandTones: Bool
    /// The telephone-event clock rate in this leg's `a=rtpmap`; `nil` means the codec's clock
    /// (RFC 4733 §2.3.1: the audio's clock). Received durations are read in it.
    public var telephoneEventClockRate: Int?
    /// Silence after which a received event without end packets is ended.
    public var silenceTimeout: TimeAmount
    /// The volume of events sent to this leg, −dBm0.
    public var volume: UInt8

    /// Settings; the defaults report telephone-events and change nothing else.
    public init(swallowsTelephoneEvents: Bool = false, detectsInBand: Bool = false, removesInBandTones: Bool = false,
                telephoneEventClockRate: Int? = nil, silenceTimeout: TimeAmount = .milliseconds(500), volume: UInt8 = 10) {
        self.swallowsTelephoneEvents = swallowsTelephoneEvents
        self.detectsInBand = detectsInBand
        self.removesInBandTones = removesInBandTones
        self.telephoneEventClockRate = telephoneEventClockRate
        self.silenceTimeout = silenceTimeout
        self.volume = volume
    }
}

/// Why a DTMF request on a media session failed.
public enum MediaDTMFError: Error, Hashable, Sendable {
    /// The leg has no configuration yet.
    case legNotConfigured(MediaLeg)
    /// The leg negotiated no telephone-event: RFC 4733 cannot be sent on it.
    case noTelephoneEvent(MediaLeg)
    /// Tones cannot be written into this leg's audio now (it is relayed, not transcoded, in a
    /// codec other than G.711, or nothing feeds it).
    case inBandUnavailable(MediaLeg)
    /// The session was already released.
    case sessionReleased
}
