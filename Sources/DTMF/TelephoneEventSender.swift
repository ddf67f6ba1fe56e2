import NIOCore
import RTPCore

/// Emits RFC 4733 telephone-events on one leg, one packet interval at a time.
///
/// The leg's media path owns the stream clock: every packet interval (the leg's ptime) it calls
/// `tick(timestamp:)` with the RTP timestamp of that interval, whether it sends audio or not, so
/// audio timestamps continue past the event (§2.5.1.2: the audio after an event carries the
/// timestamp it would have had without the event). While `suppressesAudio` is true the path
/// sends the returned event packets instead of audio.
///
/// Sender rules (RFC 4733 §2.5.1, INTEROP.md):
/// - payload type and clock rate are this leg's negotiation, never the other leg's;
/// - the marker on the first packet of an event (§2.5.1.1); one timestamp for the event (§2.5.1.2);
/// - a packet every interval with the cumulative duration (§2.5.1.2);
/// - the final E=1 packet three times, one per interval (§2.5.1.4); `finish()` sends the three
///   at once when the call ends mid-digit;
/// - events longer than the 16-bit duration are split into segments: the next segment's
///   timestamp is the previous one plus 0xFFFF (§2.5.1.3), without a marker; a segment's final
///   packet (duration 0xFFFF, E clear) goes out three times.
public struct TelephoneEventSender: Sendable {
    /// Per-leg settings, from that leg's SDP negotiation.
    public struct Configuration: Hashable, Sendable {
        /// The telephone-event payload type the peer declared on this leg.
        public var payloadType: UInt8
        /// The telephone-event clock rate on this leg (the audio codec's RTP clock).
        public var clockRate: Int
        /// The packet interval (the leg's ptime).
        public var packetInterval: TimeAmount
        /// Volume in −dBm0 (0…63); 10 is a typical level.
        public var volume: UInt8
        /// Duration used for a digit queued without one and never released.
        public var maximumOpenDuration: TimeAmount

        /// Settings for a leg.
        public init(payloadType: UInt8, clockRate: Int, packetInterval: TimeAmount = .milliseconds(20),
                    volume: UInt8 = 10, maximumOpenDuration: TimeAmount = .seconds(5)) {
            self.payloadType = payloadType
            self.clockRate = clockRate
            self.packetInterval = packetInterval
            self.volume = volume
            self.maximumOpenDuration = maximumOpenDuration
        }

        /// The packet interval in clock units.
        public var intervalUnits: Int {
            RTPTimestamp.rescale(Int(packetInterval.nanoseconds), from: 1_000_000_000, to: clockRate)
        }
    }

    /// Times the final packet is sent (§2.5.1.4).
    public static let endPacketCount = 3

    /// The settings.
    public let configuration: Configuration
    private var queue: [(digit: DTMFDigit, units: Int?)] = []
    private var current: Current?
    /// The timestamp at which audio may resume after the last event (its timestamp plus its
    /// duration); `nil` before any event.
    public private(set) var resumeTimestamp: UInt32?

    private struct Current: Sendable {
        var digit: DTMFDigit
        /// Target duration in units; `nil` until released.
        var targetUnits: Int?
        /// Timestamp of the event's first segment.
        var eventTimestamp: UInt32
        /// Timestamp of the current segment.
        var segmentTimestamp: UInt32
        /// Units of earlier segments.
        var previousSegments = 0
        /// Units reached so far in the current segment.
        var segmentUnits = 0
        var sentFirst = false
        /// End packets still to send; non-nil once the end has been reached.
        var endsLeft: Int?
    }

    /// A sender for one leg. A clock rate that is not positive (from a broken SDP) is taken as
    /// 8000, and a packet interval under 10 ms as 20 ms: nothing from the peer traps.
    public init(configuration: Configuration) {
        var configuration = configuration
        if configuration.clockRate <= 0 { configuration.clockRate = 8000 }
        if configuration.packetInterval < .milliseconds(10) { configuration.packetInterval = .milliseconds(20) }
        self.configuration = configuration
    }

    /// Whether an event is being sent: the audio path sends the event packets instead of audio.
    public var suppressesAudio: Bool { current != nil }
    /// Whether nothing is sending or queued.
    public var isIdle: Bool { current == nil && queue.isEmpty }
    /// The digit being sent, if any.
    public var currentDigit: DTMFDigit? { current?.digit }

    /// Queues `digit`. With a `duration` the event ends by itself after it; without one it runs
    /// until `release()` (a digit relayed live from another leg's RFC 4733 start).
    public mutating func enqueue(_ digit: DTMFDigit, duration: TimeAmount? = nil) {
        let units = duration.map { max(1, RTPTimestamp.rescale(Int($0.nanoseconds), from: 1_000_000_000, to: configuration.clockRate)) }
        queue.append((digit, units))
    }

    /// Ends the open-ended event now sending (or the first queued one) at its current length.
    public mutating func release() {
        if var event = current, event.targetUnits == nil {
            event.targetUnits = max(event.previousSegments + event.segmentUnits, configuration.intervalUnits)
            current = event
        } else if let index = queue.firstIndex(where: { $0.units == nil }) {
            queue[index].units = configuration.intervalUnits * 2
        }
    }

    /// Ends the open-ended event as `release()` does, but never shorter than `minimumDuration`
    /// in all (an endpoint's minimum digit length): it runs on until then.
    public mutating func release(minimumDuration: TimeAmount) {
        let minimum = RTPTimestamp.rescale(Int(max(0, minimumDuration.nanoseconds)), from: 1_000_000_000, to: configuration.clockRate)
        if var event = current, event.targetUnits == nil {
            event.targetUnits = max(event.previousSegments + event.segmentUnits, configuration.intervalUnits, minimum)
            current = event
        } else if let index = queue.firstIndex(where: { $0.units == nil }) {
            queue[index].units = max(configuration.intervalUnits * 2, minimum)
        }
    }

    /// Called once per packet interval with that interval's RTP timestamp; returns the packets
    /// to send now (zero or one; several only at segment boundaries).
    public mutating func tick(timestamp: UInt32) -> [TelephoneEventPacket] {
        if current == nil {
            guard !queue.isEmpty else { return [] }
            let next = queue.removeFirst()
            current = Current(digit: next.digit, targetUnits: next.units, eventTimestamp: timestamp, segmentTimestamp: timestamp)
        }
        guard var event = current else { return [] }
        defer { current = event.endsLeft == 0 ? nil : event }

        if let left = event.endsLeft {
            event.endsLeft = left - 1
            return [packet(event, end: true)]
        }
        let maximum = TelephoneEventPayload.maximumDuration
        let openLimit = RTPTimestamp.rescale(Int(configuration.maximumOpenDuration.nanoseconds), from: 1_000_000_000, to: configuration.clockRate)
        let target = event.targetUnits ?? openLimit
        // Cumulative duration from the stream clock: the interval now starting is covered too.
        let elapsed = RTPTimestamp.distance(from: event.eventTimestamp, to: timestamp) + configuration.intervalUnits
        let reached = min(max(elapsed, event.previousSegments + event.segmentUnits), target)
        var packets: [TelephoneEventPacket] = []
        while reached - event.previousSegments > maximum {
            // §2.5.1.3: close the full segment (its final packet sent three times, §2.5.1.4,
            // back to back here) and continue with a new timestamp. The event has not ended,
            // so the E bit stays clear.
            event.segmentUnits = maximum
            let closing = packet(event, end: false)
            packets.append(contentsOf: repeatElement(closing, count: Self.endPacketCount))
            event.sentFirst = true
            event.previousSegments += maximum
            event.segmentTimestamp = event.segmentTimestamp &+ UInt32(maximum)
        }
        event.segmentUnits = reached - event.previousSegments
        let ends = reached >= target
        packets.append(packet(event, end: ends))
        event.sentFirst = true
        if ends {
            event.endsLeft = Self.endPacketCount - 1
            resumeTimestamp = event.eventTimestamp &+ UInt32(truncatingIfNeeded: reached)
        }
        return packets
    }

    /// Ends everything now: the call ends or the stream stops mid-digit. Returns the three end
    /// packets of the digit in progress (an end is always sent, §2.5.1.4) and drops the queue.
    public mutating func finish() -> [TelephoneEventPacket] {
        queue.removeAll()
        guard var event = current else { return [] }
        current = nil
        guard event.sentFirst else { return [] }  // nothing of it went out: send nothing
        let left = event.endsLeft ?? Self.endPacketCount
        if event.endsLeft == nil {
            resumeTimestamp = event.eventTimestamp &+ UInt32(truncatingIfNeeded: event.previousSegments + event.segmentUnits)
        }
        event.endsLeft = 0
        return Array(repeating: packet(event, end: true), count: left)
    }

    private func packet(_ event: Current, end: Bool) -> TelephoneEventPacket {
        TelephoneEventPacket(
            payloadType: configuration.payloadType,
            marker: !event.sentFirst,
            timestamp: event.segmentTimestamp,
            payload: TelephoneEventPayload(event: event.digit.eventCode, isEnd: end, volume: configuration.volume,
                                           duration: UInt16(clamping: event.segmentUnits)))
    }
}
