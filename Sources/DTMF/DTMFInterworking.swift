import NIOCore

/// DTMF interworking for one call: digits received on either leg by any method, re-sent on the
/// other leg in that leg's method, delivered once, with the door action matched on the way.
///
/// A pure state machine (STYLE.md habit 1): the call layer feeds it what arrived and when,
/// executes the `Action`s it returns in order, and reports INFO outcomes and timer expiries
/// back. It never reads a clock or schedules anything.
///
/// ```
///  media engine ── MediaEvent.dtmf (rfc4733 / inband start, end) ──▶ receive(_:on:)
///  INFO request ── body + Content-Type ──────────────────────────────▶ receiveINFO(...) → 200/400/415
///                                │ DigitDeduplicator per leg (one press, two methods → once)
///                                │ DoorRule matchers on the party's leg → .doorAction
///                                ▼ the other leg's method (auto: RFC 4733, else INFO if allowed, else in-band)
///   rfc4733 → start/stopTelephoneEvent live, or sendTelephoneEvent for a whole digit
///   info    → DTMFInfoSender per leg: .sendINFO one at a time, .startTimer(.infoGap) between,
///             405/415/488/501 → RFC 4733 if negotiated (auto: else in-band), never retried
///   inband  → generateInBand at the digit's end
/// ```
///
/// Durations sent are never shorter than the destination leg's minimum. Each digit produces a
/// `.log` line saying which method it arrived by and which it left by.
public struct DTMFInterworking: Sendable {
    /// Per-leg state.
    struct LegState: Sendable {
        var configuration: LegConfiguration
        var infoSender: DTMFInfoSender
        var deduplicator: DigitDeduplicator
        /// A live RFC 4733 event being sent on this leg (started from a start report).
        var openEvent: DTMFDigit?
        /// Per method, the digit whose start arrived on this leg and whose end is awaited.
        var pendingStarts: [DTMFMethod: DTMFDigit] = [:]
    }

    private var legs: [LegState?] = [nil, nil]
    /// The door rules and their matchers.
    private var doorMatchers: [(rule: DoorRule, matcher: DigitSequenceMatcher)]
    /// Whether the media path forwards telephone-events unchanged between the legs (both legs
    /// negotiated telephone-event on relay-compatible codecs): RFC 4733 → RFC 4733 then needs
    /// no action here.
    public private(set) var mediaForwardsTelephoneEvents: Bool
    /// The window in which one digit reported by two methods counts once.
    public let duplicateWindow: TimeAmount
    /// The last door rule that matched: a door hanging up after it is a normal end of the
    /// call, never a failover trigger (INTEROP.md: doors hang up 5–30 s after opening).
    public private(set) var lastDoorAction: DoorActionMatch?

    /// A machine for one call. Legs are added with `configure(_:_:)` as they are negotiated.
    public init(doorRules: [DoorRule] = [], mediaForwardsTelephoneEvents: Bool = false, duplicateWindow: TimeAmount = .seconds(1)) {
        self.doorMatchers = doorRules.map { ($0, DigitSequenceMatcher(sequence: $0.sequence, interDigitTimeout: $0.interDigitTimeout)) }
        self.mediaForwardsTelephoneEvents = mediaForwardsTelephoneEvents
        self.duplicateWindow = duplicateWindow
    }

    /// The leg's settings, if configured.
    public func configuration(of leg: Leg) -> LegConfiguration? { legs[leg.rawValue]?.configuration }

    /// How a digit would leave on `leg` now: its mode resolved, or RFC 4733 / in-band after the
    /// peer refused INFO; `nil` when the leg is not configured or digits cannot reach it.
    public func sendMethod(of leg: Leg) -> DTMFMethod? {
        guard let state = legs[leg.rawValue] else { return nil }
        let configured = state.configuration.sendMethod
        guard configured == .info, state.infoSender.hasGivenUpINFO else { return configured }
        if state.configuration.telephoneEventNegotiated { return .rfc4733 }
        return state.configuration.mode == .auto ? .inband : nil
    }

    /// What the media engine must do on `leg` under the current settings of both legs.
    public func mediaDirective(for leg: Leg) -> MediaDirective? {
        guard let state = legs[leg.rawValue] else { return nil }
        let destination = sendMethod(of: leg.other)
        let passes = destination == .rfc4733 && mediaForwardsTelephoneEvents && !withholdsDigits(from: leg)
        let detects = state.configuration.detectsInBand
        return MediaDirective(swallowsTelephoneEvents: !passes, detectsInBand: detects,
                              removesInBandTones: detects && destination != nil && destination != .inband)
    }

    // MARK: Configuration

    /// Sets or replaces a leg's settings (after its offer/answer; a failover replaces leg `b`).
    /// A replaced leg's queued INFO digits are dropped (logged). Returns the media directives
    /// of both legs, which may both change.
    public mutating func configure(_ leg: Leg, _ configuration: LegConfiguration, at time: NIODeadline) -> [Action] {
        var actions = dropQueue(of: leg, reason: "leg reconfigured", at: time)
        let sender = DTMFInfoSender(configuration: .init(
            contentType: configuration.infoContentType, minimumDurationMilliseconds: configuration.minimumDurationMilliseconds,
            gap: configuration.gap, telephoneEventNegotiated: configuration.telephoneEventNegotiated))
        let keptDeduplicator = legs[leg.rawValue]?.deduplicator ?? DigitDeduplicator(window: duplicateWindow)
        legs[leg.rawValue] = LegState(configuration: configuration, infoSender: sender, deduplicator: keptDeduplicator)
        let method = sendMethod(of: leg).map(\.rawValue) ?? "none"
        actions.append(log("leg \(leg) (\(configuration.name)): DTMF mode \(configuration.mode.rawValue), sends by \(method)"
                           + (configuration.detectsInBand ? ", detects in-band" : ""), at: time))
        return actions + mediaDirectives()
    }

    /// Removes a leg (its call attempt ended, e.g. before a failover); queued digits are dropped.
    public mutating func removeLeg(_ leg: Leg, at time: NIODeadline) -> [Action] {
        let actions = dropQueue(of: leg, reason: "leg ended", at: time)
        legs[leg.rawValue] = nil
        return actions + mediaDirectives()
    }

    /// Whether the media path forwards RFC 4733 between the legs itself (set when the media
    /// plan changes, e.g. a re-INVITE moves a leg to another codec).
    public mutating func setMediaForwardsTelephoneEvents(_ forwards: Bool) -> [Action] {
        mediaForwardsTelephoneEvents = forwards
        return mediaDirectives()
    }

    /// The call ends: queued INFO digits are dropped and open events ended.
    public mutating func finish(at time: NIODeadline) -> [Action] {
        var actions: [Action] = []
        for leg in Leg.allCases {
            actions += dropQueue(of: leg, reason: "call ended", at: time)
            if legs[leg.rawValue]?.openEvent != nil {
                legs[leg.rawValue]?.openEvent = nil
                actions.append(.stopTelephoneEvent(leg, minimumDuration: minimumDuration(of: leg)))
            }
        }
        return actions
    }

    // MARK: Input

    /// A digit report from the media engine (RFC 4733 or in-band, start or end) or an INFO
    /// already parsed (method `.info`, phase `.end` with its Duration) on `leg`.
    public mutating func receive(_ event: DTMFEvent, on leg: Leg) -> [Action] {
        guard var state = legs[leg.rawValue] else {
            return [log("digit \(event.digit) by \(event.method) on unconfigured leg \(leg): ignored", at: event.time)]
        }
        let admitted = state.deduplicator.admit(event)
        // An arrival is a start, or an end whose start was not seen (INFO, a lost start).
        let isArrival: Bool
        switch event.phase {
        case .start:
            isArrival = true
            state.pendingStarts[event.method] = event.digit
        case .end:
            isArrival = state.pendingStarts.removeValue(forKey: event.method) != event.digit
        }
        legs[leg.rawValue] = state
        guard admitted else {
            guard isArrival else { return [] }
            return [log("digit \(event.digit) on leg \(leg) by \(event.method): second report of one press, dropped", at: event.time)]
        }
        var actions: [Action] = []
        if isArrival { actions += matchDoorRules(event, on: leg) }
        if withholdsDigits(from: leg) {
            if isArrival {
                actions.append(.log(LogEntry(time: event.time, text: "digit \(event.digit) from \(describe(leg)) arrived by \(event.method), held for the door code",
                                             route: DigitRoute(digit: event.digit, from: leg, arrivedBy: event.method))))
            }
            return actions
        }
        return actions + relay(event, from: leg, isArrival: isArrival)
    }

    /// An INFO request received on `leg`: parses the body tolerantly (`DTMFInfoBody`) and
    /// returns the answer to send (200, or 400/413/415 with the reason) with the actions for
    /// the digit it carried. An empty body is answered 200 and carries no digit.
    public mutating func receiveINFO(body: some Collection<UInt8>, contentTypeHeader: String?, on leg: Leg, at time: NIODeadline) -> (answer: INFOAnswer, actions: [Action]) {
        do {
            guard let parsed = try DTMFInfoBody.parse(body, contentTypeHeader: contentTypeHeader) else {
                return (INFOAnswer(statusCode: 200, reasonPhrase: "OK"), [])
            }
            let event = DTMFEvent(digit: parsed.digit, phase: .end(durationMilliseconds: parsed.durationMilliseconds), method: .info, time: time)
            return (INFOAnswer(statusCode: 200, reasonPhrase: "OK"), receive(event, on: leg))
        } catch {
            let entry = log("INFO on leg \(leg) refused \(error.statusCode): \(error.reasonPhrase)", at: time)
            return (INFOAnswer(statusCode: error.statusCode, reasonPhrase: error.reasonPhrase), [entry])
        }
    }

    /// The final (or provisional) response to the INFO in flight on `leg`.
    public mutating func receiveINFOResponse(statusCode: Int, on leg: Leg, at time: NIODeadline) -> [Action] {
        guard var state = legs[leg.rawValue] else { return [] }
        let senderActions = state.infoSender.receiveResponse(statusCode: statusCode)
        legs[leg.rawValue] = state
        var actions = mapSender(senderActions, on: leg, at: time)
        if state.infoSender.hasGivenUpINFO, DTMFInfoSender.refusalCodes.contains(statusCode) {
            let method = sendMethod(of: leg).map(\.rawValue) ?? "nothing"
            actions.insert(log("leg \(leg) (\(state.configuration.name)) answered INFO \(statusCode): digits go by \(method) from now on", at: time), at: 0)
            actions += mediaDirectives()
        }
        return actions
    }

    /// The INFO transaction on `leg` ended without a response (timeout, transport error).
    public mutating func infoTransactionFailed(on leg: Leg, at time: NIODeadline) -> [Action] {
        receiveINFOResponse(statusCode: 408, on: leg, at: time)
    }

    /// A timer started by `.startTimer` expired.
    public mutating func timerFired(_ timer: Timer, at time: NIODeadline) -> [Action] {
        switch timer {
        case .infoGap(let leg):
            guard var state = legs[leg.rawValue] else { return [] }
            let senderActions = state.infoSender.timerFired()
            legs[leg.rawValue] = state
            return mapSender(senderActions, on: leg, at: time)
        }
    }

    // MARK: Door rules

    private mutating func matchDoorRules(_ event: DTMFEvent, on leg: Leg) -> [Action] {
        var actions: [Action] = []
        for index in doorMatchers.indices where doorMatchers[index].rule.door == leg.other {
            guard doorMatchers[index].matcher.receive(event.digit, at: event.time) else { continue }
            let rule = doorMatchers[index].rule
            let text = rule.sequence.map(\.description).joined()
            let match = DoorActionMatch(effect: rule.effect, sequence: text, party: legs[leg.rawValue]?.configuration.name ?? "\(leg)",
                                        partyLeg: leg, door: rule.door, time: event.time, arrivedBy: event.method)
            lastDoorAction = match
            actions.append(.doorAction(match))
            actions.append(log("door action \(match)", at: event.time))
            if rule.relay == .sequenceOnMatch {
                for digit in rule.sequence {
                    actions += sendWhole(digit, durationMilliseconds: DTMFInfoBody.defaultDurationMilliseconds, arrivedBy: event.method, from: leg, at: event.time)
                }
            }
            // A second entry opens again (a resident pressing 1 twice is answered twice).
            doorMatchers[index].matcher.reset()
        }
        return actions
    }

    /// Whether the party's digits on `leg` are kept for a door rule instead of relayed.
    private func withholdsDigits(from leg: Leg) -> Bool {
        doorMatchers.contains { $0.rule.door == leg.other && $0.rule.relay == .sequenceOnMatch }
    }

    // MARK: Helpers

    func minimumDuration(of leg: Leg) -> TimeAmount {
        .milliseconds(Int64(legs[leg.rawValue]?.configuration.minimumDurationMilliseconds ?? 0))
    }

    func describe(_ leg: Leg) -> String {
        "leg \(leg) (\(legs[leg.rawValue]?.configuration.name ?? "unconfigured"))"
    }

    func log(_ text: String, at time: NIODeadline) -> Action {
        .log(LogEntry(time: time, text: text, route: nil))
    }

    private func mediaDirectives() -> [Action] {
        Leg.allCases.compactMap { leg in mediaDirective(for: leg).map { .configureMedia(leg, $0) } }
    }

    private mutating func dropQueue(of leg: Leg, reason: String, at time: NIODeadline) -> [Action] {
        guard var state = legs[leg.rawValue] else { return [] }
        let dropped = state.infoSender.finish()
        legs[leg.rawValue] = state
        return dropped.compactMap { action in
            guard case .drop(let body, _) = action else { return nil }
            return .log(LogEntry(time: time, text: "digit \(body.digit) for \(describe(leg)) not sent by info: \(reason)",
                                 route: nil))
        }
    }

    // Internal accessors for the sending extension.
    func legState(_ leg: Leg) -> LegState? { legs[leg.rawValue] }
    mutating func setLegState(_ leg: Leg, _ state: LegState) { legs[leg.rawValue] = state }
}
