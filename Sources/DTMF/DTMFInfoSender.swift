import NIOCore

/// Sends digits to one leg as SIP INFO requests: a pure state machine, events in, actions out.
///
/// - Digits go in the order queued, one INFO transaction at a time (a door that gets the next
///   INFO before answering the last one drops digits).
/// - After each final response the next digit waits for the endpoint's gap (default 400 ms;
///   INTEROP.md: doors miss digits closer than 300–500 ms).
/// - Duration in the body is raised to the endpoint's minimum (default 250 ms).
/// - 405, 415, 488 or 501 mean "no INFO DTMF here": the leg switches to RFC 4733 for this digit,
///   the queued ones and every later one when it negotiated telephone-event, otherwise they are
///   dropped with the reason. Nothing is ever retried, so a refusing peer cannot cause a loop.
/// - Any other failure (timeout, 403, 481, 500 …) drops that digit with the reason and goes on.
///
/// ```
///   enqueue ──▶ idle ──sendINFO──▶ awaitingResponse ──2xx/4xx──▶ pacing ──timerFired──▶ idle
///                                        │ 405/415/488/501
///                                        ▼
///                                  infoRefused (fallback or drop for all digits)
/// ```
public struct DTMFInfoSender: Sendable {
    /// Per-endpoint settings from the dial plan's endpoint profile and the leg's negotiation.
    public struct Configuration: Hashable, Sendable {
        /// The body type the endpoint takes.
        public var contentType: DTMFInfoContentType
        /// Smallest Duration sent.
        public var minimumDurationMilliseconds: Int
        /// Pause after each INFO's final response before the next one.
        public var gap: TimeAmount
        /// Whether this leg negotiated telephone-event (the fallback on refusal).
        public var telephoneEventNegotiated: Bool

        /// Settings; defaults are the door-station values of INTEROP.md.
        public init(contentType: DTMFInfoContentType = .dtmfRelay,
                    minimumDurationMilliseconds: Int = DTMFInfoBody.defaultMinimumDurationMilliseconds,
                    gap: TimeAmount = .milliseconds(400), telephoneEventNegotiated: Bool) {
            self.contentType = contentType
            self.minimumDurationMilliseconds = minimumDurationMilliseconds
            self.gap = gap
            self.telephoneEventNegotiated = telephoneEventNegotiated
        }
    }

    /// What the owner of the leg must do.
    public enum Action: Hashable, Sendable {
        /// Send an INFO in the dialog with this body and Content-Type (no Info-Package header).
        case sendINFO(digit: DTMFDigit, body: [UInt8], contentType: DTMFInfoContentType)
        /// Call `timerFired()` after this long.
        case startTimer(TimeAmount)
        /// Send this digit as RFC 4733 events on the leg instead.
        case fallback(DTMFInfoBody)
        /// The digit is not sent; log the reason.
        case drop(DTMFInfoBody, reason: String)
    }

    /// Responses that mean the peer does not take INFO DTMF (INTEROP.md).
    public static let refusalCodes: Set<Int> = [405, 415, 488, 501]

    private enum State: Hashable, Sendable {
        case idle
        case awaitingResponse(DTMFInfoBody)
        case pacing
        case infoRefused(reason: String)
    }

    /// The settings.
    public let configuration: Configuration
    private var state: State = .idle
    private var queue: [DTMFInfoBody] = []

    /// A sender for one leg.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Digits waiting (not counting the one in flight).
    public var queuedCount: Int { queue.count }
    /// Whether an INFO transaction is in progress.
    public var isAwaitingResponse: Bool {
        if case .awaitingResponse = state { return true }
        return false
    }
    /// Whether the peer refused INFO and the leg now uses RFC 4733 or drops digits.
    public var hasGivenUpINFO: Bool {
        if case .infoRefused = state { return true }
        return false
    }

    /// Digits that may wait at most: at the 400 ms gap about half a minute of dialling. The peer
    /// sending the digits (RFC 4733 events, held during early media until the answer) cannot
    /// grow the queue past it; later digits are dropped.
    public static let maximumQueued = 64

    /// Queues a digit with its measured duration.
    public mutating func enqueue(_ digit: DTMFInfoBody) -> [Action] {
        if case .infoRefused(let reason) = state { return [redirect(digit, reason: reason)] }
        guard queue.count < Self.maximumQueued else {
            return [.drop(digit, reason: "INFO queue full (\(Self.maximumQueued) digits waiting)")]
        }
        queue.append(digit)
        return state == .idle ? sendNext() : []
    }

    /// The final (or provisional) response to the INFO in flight.
    public mutating func receiveResponse(statusCode: Int) -> [Action] {
        guard case .awaitingResponse(let digit) = state else { return [] }  // stray or late response
        if statusCode < 200 { return [] }
        if (200..<300).contains(statusCode) {
            state = .pacing
            return [.startTimer(configuration.gap)]
        }
        if Self.refusalCodes.contains(statusCode) {
            let reason = "INFO answered \(statusCode)"
            state = .infoRefused(reason: reason)
            let pending = [digit] + queue
            queue.removeAll()
            return pending.map { redirect($0, reason: reason) }
        }
        state = .pacing
        return [.drop(digit, reason: "INFO answered \(statusCode)"), .startTimer(configuration.gap)]
    }

    /// The INFO transaction failed without a response (timeout, transport error): as a 408.
    public mutating func transactionFailed() -> [Action] {
        receiveResponse(statusCode: 408)
    }

    /// The gap timer fired.
    public mutating func timerFired() -> [Action] {
        guard state == .pacing else { return [] }
        state = .idle
        return sendNext()
    }

    /// The call ends: queued digits are dropped (returned as drops, for the log).
    public mutating func finish() -> [Action] {
        let pending = queue
        queue.removeAll()
        if case .awaitingResponse = state { state = .idle }
        return pending.map { .drop($0, reason: "call ended") }
    }

    private mutating func sendNext() -> [Action] {
        guard !queue.isEmpty else { return [] }
        var digit = queue.removeFirst()
        digit.durationMilliseconds = max(digit.durationMilliseconds, configuration.minimumDurationMilliseconds)
        state = .awaitingResponse(digit)
        let body = digit.serialized(as: configuration.contentType, minimumDurationMilliseconds: configuration.minimumDurationMilliseconds)
        return [.sendINFO(digit: digit.digit, body: body, contentType: configuration.contentType)]
    }

    private func redirect(_ digit: DTMFInfoBody, reason: String) -> Action {
        configuration.telephoneEventNegotiated
            ? .fallback(digit)
            : .drop(digit, reason: "\(reason) and no telephone-event negotiated")
    }
}
