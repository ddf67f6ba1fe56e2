import NIOCore
import RTPCore

/// Turns one leg's RFC 4733 telephone-event packets into digit start and end events.
///
/// A pure state machine: the relay hands it each packet whose payload type is the leg's
/// telephone-event type, with the arrival time, and calls `tick(now:)` on its own timer (see
/// `nextDeadline`); nothing here reads a clock or schedules anything.
///
/// Rules (RFC 4733 §2.5.2 and the field failures in INTEROP.md):
/// - An event is identified by (SSRC, RTP timestamp), §2.5.2.1. Its first packet *seen* starts it:
///   the marker bit is not required, some devices never set it and the first packets may be lost.
/// - The first E=1 packet ends it (§2.5.2.2); the usual two repeats, and any later packet of an
///   ended event, are ignored. A late packet of an older event (timestamp behind the newest) is
///   ignored too.
/// - Without an end packet the event ends when a new event starts or after `silenceTimeout`
///   without packets (§2.5.2.2 leaves the timeout to the receiver).
/// - Events longer than the 16-bit duration field arrive as segments: a new timestamp that
///   continues the same digit where the previous segment stopped (§2.5.1.3). Segments are joined
///   into one digit.
/// - Durations count units of the negotiated clock. They are checked against the packets' arrival
///   times: baresip 1.0 with Opus declares `telephone-event/8000` but counts 48 kHz units, which
///   would make every digit six times too long. An event with enough packets (≥ 3 over
///   `plausibilityEvidence`) is measured: when its durations grow at another standard rate
///   (8, 16 or 48 kHz, within 25 %) that rate is used for it. Two consecutive measured events
///   agreeing on a rate set `effectiveClockRate`, used for events too short to measure. One
///   event is never enough to change the stream's rate: bursty arrival (Wi-Fi, jitter) can
///   compress one event's arrival span, and a wrong stream-wide rate would spoil every digit.
public struct TelephoneEventReceiver: Sendable {
    /// Per-leg settings, from that leg's SDP negotiation.
    public struct Configuration: Hashable, Sendable {
        /// The leg's telephone-event payload type (dynamic: 101, 96, 126 … are all seen).
        public var payloadType: UInt8
        /// The clock rate declared in the leg's `a=rtpmap` for telephone-event.
        public var clockRate: Int
        /// Silence after which an event without end packet is ended (synthesized end).
        public var silenceTimeout: TimeAmount
        /// Whether to detect durations counted at another clock rate and correct them.
        public var correctsClockRate: Bool
        /// Arrival span an event needs before its durations are compared with wall-clock time.
        public var plausibilityEvidence: TimeAmount

        /// Settings for a leg; the timeout defaults to 500 ms (ten missed 50 ms updates).
        public init(
            payloadType: UInt8, clockRate: Int, silenceTimeout: TimeAmount = .milliseconds(500),
            correctsClockRate: Bool = true, plausibilityEvidence: TimeAmount = .milliseconds(80)
        ) {
            self.payloadType = payloadType
            self.clockRate = clockRate
            self.silenceTimeout = silenceTimeout
            self.correctsClockRate = correctsClockRate
            self.plausibilityEvidence = plausibilityEvidence
        }
    }

    /// Clock rates a mislabelled stream is known to count in (RFC 3551 audio clocks in use).
    public static let candidateClockRates = [8000, 16000, 48000]
    /// How far (as a fraction) a measured rate may be from a candidate to be taken as it.
    static let rateTolerance = 0.25
    /// How many ended events are remembered to ignore their repeats.
    static let rememberedEvents = 8

    /// The settings.
    public let configuration: Configuration
    /// The clock rate durations are read in: the declared one, or the one measured when the
    /// peer counts in other units. Log it when it differs from `configuration.clockRate`.
    public private(set) var effectiveClockRate: Int
    /// Whether two consecutive measured events agreed on `effectiveClockRate`.
    public private(set) var clockRateVerified = false
    /// The rate measured on the last event that had enough evidence.
    private var lastMeasuredRate: Int?

    private var active: ActiveEvent?
    private var ended: [EventKey] = []
    private var newest: EventKey?

    /// A receiver for one leg. The clock rate comes from the peer's SDP: a rate that is not
    /// positive is read as 8000 (RFC 4733 §7.1.1's default) rather than trusted.
    public init(configuration: Configuration) {
        var configuration = configuration
        if configuration.clockRate <= 0 { configuration.clockRate = 8000 }
        self.configuration = configuration
        self.effectiveClockRate = configuration.clockRate
    }

    /// Whether a digit is in progress.
    public var isActive: Bool { active != nil }

    /// When `tick(now:)` should next be called to end a silent event; `nil` when idle.
    public var nextDeadline: NIODeadline? {
        active.map { $0.lastArrival + configuration.silenceTimeout }
    }

    /// Feeds one whole RTP packet (header included). Packets of another payload type throw
    /// `unexpectedPayloadType`; the relay should route only telephone-event packets here.
    public mutating func receive(packet bytes: UnsafeRawBufferPointer, arrival: NIODeadline) throws(TelephoneEventError) -> [DTMFEvent] {
        let header: RTPHeader
        do { header = try RTPHeader(parsing: bytes) } catch { throw .malformedRTP }
        guard header.payloadType == configuration.payloadType else {
            throw .unexpectedPayloadType(header.payloadType)
        }
        let payload = try TelephoneEventPayload(parsing: UnsafeRawBufferPointer(rebasing: bytes[header.payloadRange]))
        return try receive(ssrc: header.ssrc, timestamp: header.timestamp, payload: payload, arrival: arrival)
    }

    /// Feeds one whole RTP packet held in a `ByteBuffer`'s readable bytes.
    public mutating func receive(packet buffer: ByteBuffer, arrival: NIODeadline) throws(TelephoneEventError) -> [DTMFEvent] {
        var result: Result<[DTMFEvent], TelephoneEventError> = .success([])
        buffer.withUnsafeReadableBytes { bytes in
            do throws(TelephoneEventError) {
                result = .success(try receive(packet: bytes, arrival: arrival))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Feeds one parsed telephone-event (the packet's SSRC and timestamp and its first block).
    /// The marker bit is deliberately not an input.
    public mutating func receive(ssrc: UInt32, timestamp: UInt32, payload: TelephoneEventPayload, arrival: NIODeadline) throws(TelephoneEventError) -> [DTMFEvent] {
        guard let digit = DTMFDigit(eventCode: payload.event) else { throw .notADigit(event: payload.event) }
        let key = EventKey(ssrc: ssrc, timestamp: timestamp)
        if ended.contains(key) { return [] }

        if var event = active, event.key == key {
            event.update(duration: payload.duration, arrival: arrival)
            active = event
            return payload.isEnd ? [finishActive(at: arrival, synthesized: false)] : []
        }

        if let newest, newest.ssrc == ssrc, !RTPTimestamp.isNewer(timestamp, than: newest.timestamp) {
            return []  // a late packet of an event already replaced
        }
        newest = key

        var output: [DTMFEvent] = []
        if var event = active {
            if event.key.ssrc == ssrc, event.digit == digit, let joined = Self.continuation(of: event, at: timestamp) {
                // §2.5.1.3: a new segment of the same long event.
                remember(event.key)
                event.previousSegmentsUnits += joined
                event.key = key
                event.segmentDuration = 0
                event.update(duration: payload.duration, arrival: arrival)
                active = event
                return payload.isEnd ? [finishActive(at: arrival, synthesized: false)] : []
            }
            output.append(finishActive(at: arrival, synthesized: true))
        }
        active = ActiveEvent(key: key, digit: digit, duration: payload.duration, arrival: arrival)
        output.append(DTMFEvent(digit: digit, phase: .start, method: .rfc4733, time: arrival))
        if payload.isEnd {
            output.append(finishActive(at: arrival, synthesized: false))
        }
        return output
    }

    /// Ends an event that has been silent for `silenceTimeout`. Call at `nextDeadline`.
    public mutating func tick(now: NIODeadline) -> [DTMFEvent] {
        guard let event = active, now >= event.lastArrival + configuration.silenceTimeout else { return [] }
        return [finishActive(at: now, synthesized: true)]
    }

    /// Ends any event in progress now: the stream stopped or the call ended mid-digit.
    public mutating func finish(now: NIODeadline) -> [DTMFEvent] {
        guard active != nil else { return [] }
        return [finishActive(at: now, synthesized: true)]
    }

    /// The number of units joining a new segment at `timestamp` onto `event`, or `nil` when the
    /// new timestamp is a separate event. A continuation starts where the previous segment's
    /// full 16-bit duration ends (or, when its last packets were lost, at most 200 ms later
    /// than its last seen duration), and only segments near the 16-bit limit are continued.
    static func continuation(of event: ActiveEvent, at timestamp: UInt32) -> Int? {
        let delta = RTPTimestamp.distance(from: event.key.timestamp, to: timestamp)
        guard event.segmentDuration >= TelephoneEventPayload.maximumDuration / 2 else { return nil }
        guard delta >= event.segmentDuration, delta <= TelephoneEventPayload.maximumDuration else { return nil }
        return delta
    }

    private mutating func remember(_ key: EventKey) {
        if ended.count == Self.rememberedEvents { ended.removeFirst() }
        ended.append(key)
    }

    private mutating func finishActive(at time: NIODeadline, synthesized: Bool) -> DTMFEvent {
        guard let event = active else { preconditionFailure("DTMF: no active event") }
        active = nil
        remember(event.key)
        var rate = effectiveClockRate
        if configuration.correctsClockRate, let measured = measuredRate(of: event) {
            rate = measured
            if !clockRateVerified, lastMeasuredRate == measured {
                effectiveClockRate = measured
                clockRateVerified = true
            }
            lastMeasuredRate = measured
        }
        let units = event.totalUnits
        var milliseconds = units > 0 ? Int((Int64(units) * 1000 + Int64(rate / 2)) / Int64(rate)) : 0
        if milliseconds == 0 {
            milliseconds = Int((event.lastArrival - event.firstArrival).nanoseconds / 1_000_000)
        }
        return DTMFEvent(digit: event.digit, phase: .end(durationMilliseconds: milliseconds), method: .rfc4733,
                         time: time, endSynthesized: synthesized)
    }

    /// The standard clock rate `event`'s durations grew at, compared with its arrival span; `nil`
    /// without enough evidence or when the growth matches no candidate (then nothing is changed).
    private func measuredRate(of event: ActiveEvent) -> Int? {
        guard event.packets >= 3 else { return nil }
        let span = event.lastArrival - event.firstArrival
        guard span >= configuration.plausibilityEvidence else { return nil }
        let units = event.totalUnits - event.firstUnits
        guard units > 0 else { return nil }
        let measured = Double(units) * 1e9 / Double(span.nanoseconds)
        let candidates = [configuration.clockRate] + Self.candidateClockRates
        return candidates.first { abs(measured - Double($0)) <= Double($0) * Self.rateTolerance }
    }
}

/// (SSRC, timestamp): the identity of one event (RFC 4733 §2.5.2.1).
struct EventKey: Hashable, Sendable {
    var ssrc: UInt32
    var timestamp: UInt32
}

/// The event in progress at a receiver.
struct ActiveEvent: Hashable, Sendable {
    var key: EventKey
    var digit: DTMFDigit
    /// Largest duration seen in the current segment.
    var segmentDuration: Int
    /// Units of earlier segments of this event.
    var previousSegmentsUnits = 0
    /// Total units when the first packet arrived (for the rate check).
    var firstUnits: Int
    var firstArrival: NIODeadline
    var lastArrival: NIODeadline
    var packets = 1

    init(key: EventKey, digit: DTMFDigit, duration: UInt16, arrival: NIODeadline) {
        self.key = key
        self.digit = digit
        self.segmentDuration = Int(duration)
        self.firstUnits = Int(duration)
        self.firstArrival = arrival
        self.lastArrival = arrival
    }

    var totalUnits: Int { previousSegmentsUnits + segmentDuration }

    mutating func update(duration: UInt16, arrival: NIODeadline) {
        segmentDuration = max(segmentDuration, Int(duration))
        if arrival > lastArrival { lastArrival = arrival }
        packets += 1
    }
}
