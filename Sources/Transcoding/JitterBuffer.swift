import RTPCore

/// A small adaptive jitter buffer for the transcoding path: puts packets back in sequence order,
/// drops duplicates and late packets, and declares a missing packet lost once it is overdue.
///
/// Playout is arrival-driven: a packet in sequence is released at once (no added delay when the
/// network is clean). Only a gap holds packets back, for `currentWait`, which follows the
/// measured interarrival jitter (RFC 3550 §6.4.1 and A.8: J += (|D| − J)/16) as three times J,
/// bounded by `minimumWait`…`maximumWait`. The buffer holds at most `capacity` packets; a packet
/// further ahead than that returns `.tooFarAhead` and the owner flushes with `next(now:force:)`.
/// A sequence jump beyond `maximumDropout`/`maximumMisorder` restarts the buffer once two packets
/// in a row confirm it (RFC 3550 A.1).
///
/// Pure value type, time given in nanoseconds by the caller.
public struct JitterBuffer {
    /// Limits and timing.
    public struct Configuration: Hashable, Sendable {
        /// Packets held at most (a power of two).
        public var capacity: Int = 32
        /// Largest payload stored; longer payloads are dropped (`.oversized`).
        public var maximumPayload: Int = 1460
        /// Shortest wait for a missing packet, ns.
        public var minimumWait: UInt64 = 20_000_000
        /// Longest wait for a missing packet, ns.
        public var maximumWait: UInt64 = 120_000_000
        /// RFC 3550 A.1 MAX_DROPOUT: a jump further ahead needs confirmation.
        public var maximumDropout = 3000
        /// RFC 3550 A.1 MAX_MISORDER: further behind than this counts as a restart candidate.
        public var maximumMisorder = 100
        /// The RTP clock rate of the stream, for the jitter estimate.
        public var clockRate: Int

        /// Defaults for a stream with `clockRate`.
        public init(clockRate: Int) { self.clockRate = clockRate }
    }

    /// A released packet; its payload is read with `withPayload(_:_:)` before the next call.
    public struct Packet: Hashable, Sendable {
        public var sequenceNumber: UInt16
        public var timestamp: UInt32
        public var marker: Bool
        let slot: Int
    }

    /// What `next(now:force:)` releases.
    public enum Output: Hashable, Sendable {
        /// The next packet in sequence.
        case packet(Packet)
        /// `count` packets are lost; `next` is the packet after them (released by the next call).
        case lost(count: Int, next: Packet?)
    }

    /// What became of an inserted packet.
    public enum InsertResult: Hashable, Sendable {
        case stored, duplicate, late, oversized, tooFarAhead
        /// The stream restarted (sequence jump confirmed); earlier packets were dropped.
        case restarted
    }

    /// Counters since creation.
    public struct Statistics: Hashable, Sendable {
        public var stored = 0, duplicates = 0, late = 0, oversized = 0, lost = 0, reordered = 0, restarts = 0
    }

    public let configuration: Configuration
    public private(set) var statistics = Statistics()
    /// Interarrival jitter estimate in ns (RFC 3550 A.8).
    public private(set) var jitter: Double = 0

    private var storage: [UInt8]
    private var lengths: [Int]
    private var sequenceNumbers: [UInt16]
    private var timestamps: [UInt32]
    private var markers: [Bool]
    private var arrivals: [UInt64]
    private var occupied: [Bool]
    private var held = 0
    private var expected: UInt16?
    private var highest: UInt16 = 0
    private var probation: UInt16?
    private var lastArrival: UInt64?
    private var lastTimestamp: UInt32 = 0
    private let mask: Int

    /// An empty buffer.
    public init(configuration: Configuration) {
        precondition(configuration.capacity > 0 && configuration.capacity & (configuration.capacity - 1) == 0, "Transcoding: capacity must be a power of two")
        self.configuration = configuration
        let capacity = configuration.capacity
        storage = [UInt8](repeating: 0, count: capacity * configuration.maximumPayload)
        lengths = [Int](repeating: 0, count: capacity)
        sequenceNumbers = [UInt16](repeating: 0, count: capacity)
        timestamps = [UInt32](repeating: 0, count: capacity)
        markers = [Bool](repeating: false, count: capacity)
        arrivals = [UInt64](repeating: 0, count: capacity)
        occupied = [Bool](repeating: false, count: capacity)
        mask = capacity - 1
    }

    /// Packets held back behind a gap.
    public var count: Int { held }

    /// How long a gap is waited for now, ns.
    public var currentWait: UInt64 {
        let wanted = UInt64(max(0, 3 * jitter))
        return min(max(wanted, configuration.minimumWait), configuration.maximumWait)
    }

    /// When the current gap will be declared lost (for the owner's timer), or nil.
    public var nextDeadline: UInt64? {
        guard held > 0, let oldest = oldestHeldSlot() else { return nil }
        return arrivals[oldest] + currentWait
    }

    /// Stores a packet that arrived at `arrival` ns.
    public mutating func insert(sequenceNumber: UInt16, timestamp: UInt32, marker: Bool, payload: UnsafeRawBufferPointer, arrival: UInt64) -> InsertResult {
        guard payload.count <= configuration.maximumPayload else {
            statistics.oversized += 1
            return .oversized
        }
        var result = InsertResult.stored
        if let expected {
            let distance = RTPSequenceNumber.distance(from: expected, to: sequenceNumber)
            if distance > configuration.maximumDropout || distance < -configuration.maximumMisorder {
                guard probation == sequenceNumber else {
                    probation = sequenceNumber &+ 1
                    statistics.late += 1
                    return .late
                }
                restart(at: sequenceNumber)
                result = .restarted
            } else if distance < 0 {
                statistics.late += 1
                return .late
            } else if distance > mask {
                return .tooFarAhead
            }
        } else {
            expected = sequenceNumber
            highest = sequenceNumber
        }
        probation = nil
        let slot = Int(sequenceNumber) & mask
        if occupied[slot] {
            statistics.duplicates += 1
            return .duplicate
        }
        updateJitter(timestamp: timestamp, arrival: arrival)
        if RTPSequenceNumber.isNewer(highest, than: sequenceNumber) { statistics.reordered += 1 } else { highest = sequenceNumber }
        occupied[slot] = true
        held += 1
        lengths[slot] = payload.count
        sequenceNumbers[slot] = sequenceNumber
        timestamps[slot] = timestamp
        markers[slot] = marker
        arrivals[slot] = arrival
        if let base = payload.baseAddress, !payload.isEmpty {
            storage.withUnsafeMutableBytes { bytes in
                (bytes.baseAddress! + slot * configuration.maximumPayload).copyMemory(from: base, byteCount: payload.count)
            }
        }
        statistics.stored += 1
        return result
    }

    /// The next packet in order, or the loss of the packets before it once the gap is overdue
    /// at `now` (or at once with `force`). Nil when nothing can be released yet.
    /// The common case without a copy: `sequenceNumber` is the packet expected next (or the
    /// first one) and nothing is held, so `insert` would store it and `next` hand it straight
    /// back. Accounts for it as both would (jitter, statistics, the expected number) and returns
    /// true: the caller processes the payload where it is. False changes nothing: use `insert`.
    public mutating func acceptInOrder(sequenceNumber: UInt16, timestamp: UInt32, payloadCount: Int, arrival: UInt64) -> Bool {
        guard held == 0, payloadCount <= configuration.maximumPayload, expected == nil || expected == sequenceNumber else { return false }
        probation = nil
        updateJitter(timestamp: timestamp, arrival: arrival)
        highest = sequenceNumber
        expected = sequenceNumber &+ 1
        statistics.stored += 1
        return true
    }

    public mutating func next(now: UInt64, force: Bool = false) -> Output? {
        guard held > 0, let expected else { return nil }
        let slot = Int(expected) & mask
        if occupied[slot] && sequenceNumbers[slot] == expected {
            occupied[slot] = false
            held -= 1
            self.expected = expected &+ 1
            return .packet(Packet(sequenceNumber: expected, timestamp: timestamps[slot], marker: markers[slot], slot: slot))
        }
        guard let oldest = oldestHeldSlot() else { return nil }
        guard force || now >= arrivals[oldest] + currentWait else { return nil }
        let following = sequenceNumbers[oldest]
        let missing = RTPSequenceNumber.distance(from: expected, to: following)
        statistics.lost += missing
        self.expected = following
        return .lost(count: missing, next: Packet(sequenceNumber: following, timestamp: timestamps[oldest], marker: markers[oldest], slot: oldest))
    }

    /// Calls `body` with the payload of a packet just released (valid until the next insert).
    public func withPayload<R>(_ packet: Packet, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { bytes in
            let start = packet.slot * configuration.maximumPayload
            return try body(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + lengths[packet.slot])]))
        }
    }

    /// Drops every held packet and waits for a new first packet.
    public mutating func reset() {
        for index in occupied.indices { occupied[index] = false }
        held = 0
        expected = nil
        probation = nil
        jitter = 0
        lastArrival = nil
    }

    private mutating func restart(at sequenceNumber: UInt16) {
        reset()
        statistics.restarts += 1
        expected = sequenceNumber
        highest = sequenceNumber
    }

    /// The held packet closest after `expected`.
    private func oldestHeldSlot() -> Int? {
        guard let expected else { return nil }
        var best: Int?
        var bestDistance = Int.max
        for slot in 0...mask where occupied[slot] {
            let distance = RTPSequenceNumber.distance(from: expected, to: sequenceNumbers[slot])
            if distance < bestDistance {
                bestDistance = distance
                best = slot
            }
        }
        return best
    }

    /// RFC 3550 A.8, in ns: D = (arrival difference) − (timestamp difference in ns).
    private mutating func updateJitter(timestamp: UInt32, arrival: UInt64) {
        defer {
            lastArrival = arrival
            lastTimestamp = timestamp
        }
        guard let lastArrival else { return }
        let arrivalDelta = Double(Int64(bitPattern: arrival &- lastArrival))
        let timestampDelta = Double(RTPTimestamp.distance(from: lastTimestamp, to: timestamp)) * 1e9 / Double(configuration.clockRate)
        let difference = abs(arrivalDelta - timestampDelta)
        // A silence gap or a restart is not jitter: ignore steps over a second.
        guard difference < 1e9 else { return }
        jitter += (difference - jitter) / 16
    }
}
