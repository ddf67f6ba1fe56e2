import NIOCore

/// A digit as delivered by any receiver in this module: its start, or its end with the
/// measured duration. The B2BUA re-emits digits on the other leg from these.
public struct DTMFEvent: Hashable, Sendable, CustomStringConvertible {
    /// Start or end.
    public enum Phase: Hashable, Sendable {
        /// The tone or event began.
        case start
        /// The tone or event ended after `durationMilliseconds`.
        case end(durationMilliseconds: Int)
    }

    /// The digit.
    public var digit: DTMFDigit
    /// Start or end, with the duration at the end.
    public var phase: Phase
    /// How the digit arrived.
    public var method: DTMFMethod
    /// When the receiver saw it (the arrival time passed in by the caller).
    public var time: NIODeadline
    /// Whether the end was synthesized after silence rather than received (RFC 4733 §2.5.2.2).
    public var endSynthesized: Bool

    /// An event.
    public init(digit: DTMFDigit, phase: Phase, method: DTMFMethod, time: NIODeadline, endSynthesized: Bool = false) {
        self.digit = digit
        self.phase = phase
        self.method = method
        self.time = time
        self.endSynthesized = endSynthesized
    }

    /// Whether this is an end event.
    public var isEnd: Bool {
        if case .end = phase { return true }
        return false
    }

    /// The duration of an end event, `nil` for a start.
    public var durationMilliseconds: Int? {
        if case .end(let duration) = phase { return duration }
        return nil
    }

    public var description: String {
        switch phase {
        case .start: "\(digit) start via \(method)"
        case .end(let duration): "\(digit) end \(duration) ms via \(method)\(endSynthesized ? " (synthesized)" : "")"
        }
    }
}
