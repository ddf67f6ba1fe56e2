import NIOCore

/// Delivers a digit once when it arrives by two methods: phones in "RFC2833+INFO" mode send
/// both, and a peer may send events while its audio still carries the tones (INTEROP.md).
///
/// A digit is a duplicate when the same digit arrived by a *different* method within `window`
/// and that earlier arrival has not already absorbed one from this method. Two arrivals by the
/// same method are always two presses (`11` in a PIN), so nothing real is lost.
public struct DigitDeduplicator: Sendable {
    /// How far apart two reports of one press may be.
    public let window: TimeAmount
    /// Arrivals remembered at most (a bound for a peer that floods digits).
    public static let capacity = 32

    private struct Arrival: Sendable {
        var digit: DTMFDigit
        var method: DTMFMethod
        var time: NIODeadline
        var absorbed: Set<DTMFMethod> = []
    }

    private var recent: [Arrival] = []
    /// Per method: whether the digit started by that method was admitted (for its end event).
    private var openStarts: [DTMFMethod: Bool] = [:]

    /// A deduplicator; 1 s covers INFO arriving after the RFC 4733 end of a long press.
    public init(window: TimeAmount = .seconds(1)) {
        self.window = window
    }

    /// Whether to deliver `digit`, which arrived by `method` at `time`.
    public mutating func admit(_ digit: DTMFDigit, method: DTMFMethod, at time: NIODeadline) -> Bool {
        recent.removeAll { time - $0.time > window }
        if let index = recent.firstIndex(where: {
            $0.digit == digit && $0.method != method && !$0.absorbed.contains(method)
                && abs((time - $0.time).nanoseconds) <= window.nanoseconds
        }) {
            recent[index].absorbed.insert(method)
            return false
        }
        if recent.count == Self.capacity { recent.removeFirst() }
        recent.append(Arrival(digit: digit, method: method, time: time))
        return true
    }

    /// Whether to deliver `event`: a start is judged by `admit`; an end follows its start's
    /// verdict (an end without a seen start is judged as a new arrival).
    public mutating func admit(_ event: DTMFEvent) -> Bool {
        switch event.phase {
        case .start:
            let verdict = admit(event.digit, method: event.method, at: event.time)
            openStarts[event.method] = verdict
            return verdict
        case .end:
            if let verdict = openStarts.removeValue(forKey: event.method) { return verdict }
            return admit(event.digit, method: event.method, at: event.time)
        }
    }
}
