/// Wrap-aware arithmetic on 16-bit RTP sequence numbers (RFC 3550 §5.1, Appendix A.1).
///
/// Sequence numbers are compared on the circle of 2^16 values: `a` is newer than `b` when
/// going forward from `b` reaches `a` in fewer than 2^15 steps. That relation is not
/// transitive over the whole circle, so these are functions, not a `Comparable` conformance.
public enum RTPSequenceNumber {
    /// The number of distinct sequence numbers (RTP_SEQ_MOD in RFC 3550 A.1).
    public static let modulus = 1 << 16

    /// Signed distance from `old` to `new`: positive when `new` is ahead, negative when behind,
    /// in -32768…32767.
    @inlinable
    public static func distance(from old: UInt16, to new: UInt16) -> Int {
        Int(Int16(bitPattern: new &- old))
    }

    /// Whether `a` comes after `b` (a different value reachable forward in under 2^15 steps).
    @inlinable
    public static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        distance(from: b, to: a) > 0
    }
}

/// Wrap-aware arithmetic on 32-bit RTP timestamps (RFC 3550 §5.1) and clock-rate conversion.
public enum RTPTimestamp {
    /// Signed distance from `old` to `new` in clock units, in -2^31…2^31-1.
    @inlinable
    public static func distance(from old: UInt32, to new: UInt32) -> Int {
        Int(Int32(bitPattern: new &- old))
    }

    /// Whether `a` comes after `b` on the 32-bit circle.
    @inlinable
    public static func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
        distance(from: b, to: a) > 0
    }

    /// Converts a duration of `units` ticks at `fromRate` Hz to ticks at `toRate` Hz, rounded to
    /// nearest (half away from zero). Rates must be positive (our own configuration).
    @inlinable
    public static func rescale(_ units: Int, from fromRate: Int, to toRate: Int) -> Int {
        precondition(fromRate > 0 && toRate > 0, "RTPCore: clock rates must be positive")
        if fromRate == toRate { return units }
        let scaled = units.multipliedFullWidth(by: toRate)
        let (quotient, remainder) = fromRate.dividingFullWidth(scaled)
        if remainder.magnitude * 2 >= UInt(fromRate) {
            return units >= 0 ? quotient + 1 : quotient - 1
        }
        return quotient
    }

    /// Clock ticks at `rate` Hz in `nanoseconds`, rounded down.
    @inlinable
    public static func units(fromNanoseconds nanoseconds: UInt64, rate: Int) -> UInt64 {
        precondition(rate > 0, "RTPCore: clock rate must be positive")
        let (high, low) = nanoseconds.multipliedFullWidth(by: UInt64(rate))
        return UInt64(1_000_000_000).dividingFullWidth((high, low)).quotient
    }
}

/// Maps timestamps of one clock onto another (for example Opus 48 kHz onto PCMU 8 kHz when
/// transcoding) so that differences are preserved in real time across 32-bit wraps.
public struct RTPTimestampRescaler: Hashable, Sendable {
    /// The incoming clock rate in Hz.
    public let inputRate: Int
    /// The outgoing clock rate in Hz.
    public let outputRate: Int
    private var inputBase: UInt32?
    private let outputBase: UInt32
    private var inputElapsed: Int = 0
    private var lastInput: UInt32 = 0

    /// A rescaler whose first input timestamp maps to `outputBase`.
    public init(inputRate: Int, outputRate: Int, outputBase: UInt32) {
        precondition(inputRate > 0 && outputRate > 0, "RTPCore: clock rates must be positive")
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.outputBase = outputBase
    }

    /// The output-clock timestamp for `input`. Each step must be under 2^31 ticks from the
    /// previous input (older inputs map backwards).
    public mutating func map(_ input: UInt32) -> UInt32 {
        if inputBase == nil {
            inputBase = input
            lastInput = input
        }
        inputElapsed += RTPTimestamp.distance(from: lastInput, to: input)
        lastInput = input
        let outputElapsed = RTPTimestamp.rescale(inputElapsed, from: inputRate, to: outputRate)
        return outputBase &+ UInt32(truncatingIfNeeded: outputElapsed)
    }
}
