import NIOCore

/// Matches a door action's digit sequence (`1`, `#1`, a PIN such as `1234#`) in the digits a
/// party sends, and fires once.
///
/// The sequence matches at the end of the digits received so far, so a mistyped start does
/// not block a later correct entry (`91234#` opens for `1234#`). A pause longer than
/// `interDigitTimeout` discards what was typed before it.
public struct DigitSequenceMatcher: Hashable, Sendable {
    /// The sequence to match.
    public let sequence: [DTMFDigit]
    /// Longest pause between two digits of one entry.
    public let interDigitTimeout: TimeAmount
    /// Whether the sequence has matched (it fires only once).
    public private(set) var hasFired = false
    private var typed: [DTMFDigit] = []
    private var lastDigitTime: NIODeadline?

    /// A matcher. An empty sequence never fires.
    public init(sequence: [DTMFDigit], interDigitTimeout: TimeAmount = .seconds(5)) {
        self.sequence = sequence
        self.interDigitTimeout = interDigitTimeout
    }

    /// A matcher for a sequence written as text (`"1234#"`); `nil` if it holds a non-digit.
    public init?(_ text: String, interDigitTimeout: TimeAmount = .seconds(5)) {
        guard let digits = DTMFDigit.sequence(text), !digits.isEmpty else { return nil }
        self.init(sequence: digits, interDigitTimeout: interDigitTimeout)
    }

    /// Feeds one digit; returns `true` exactly once, when the sequence completes.
    public mutating func receive(_ digit: DTMFDigit, at time: NIODeadline) -> Bool {
        guard !hasFired, !sequence.isEmpty else { return false }
        if let last = lastDigitTime, time - last > interDigitTimeout { typed.removeAll() }
        lastDigitTime = time
        typed.append(digit)
        if typed.count > sequence.count { typed.removeFirst(typed.count - sequence.count) }
        if typed == sequence {
            hasFired = true
            return true
        }
        return false
    }

    /// Starts over (a new entry may fire again).
    public mutating func reset() {
        hasFired = false
        typed.removeAll()
        lastDigitTime = nil
    }
}
