import DialPlan
import Foundation

/// What happened in one call, in order, for `GET /calls/{id}` and `gatehouse calls ID` (issue 9:
/// "the call's timeline: routing decisions with plan lines, SDP per leg, DTMF events, failover
/// chain"). A value the call writes as events happen, on the call's loop; bounded so a long call
/// (a door held open, DTMF pressed all day) cannot grow it: the first ``maxEvents`` events are
/// kept (the routing and the failover chain come first), later ones are only counted.
///
/// The routing and failover events name the plan line (`plan.yaml:57`) of the route, attempt or
/// final disposition that made the decision. Leg outcomes come from the B2BUA's leg records
/// (``LegSnapshot``), compared before and after each event the call machine takes, so an attempt
/// that fails at once (an endpoint `offline`) still shows up.
struct CallTimeline: Sendable, Equatable {
    /// The kinds of event, as the admin API names them.
    enum Kind: String, Sendable, Equatable {
        /// The dial plan's decision: route, caller, attempts.
        case route
        /// An attempt starts ringing its legs.
        case attempt
        /// The call moves from a failed attempt to the next one.
        case failover
        /// One outbound leg ended (answered, refused, offline, cancelled …), with its timing.
        case leg
        /// An SDP offer or answer on a leg, as the gateway sent or received it.
        case sdp
        /// A DTMF digit (method in and out) or a door action.
        case dtmf
        /// The call ended for the caller.
        case end
    }

    /// One event.
    struct Event: Sendable, Equatable {
        var time: Date
        var kind: Kind
        var detail: String
    }

    /// What the timeline needs of one B2BUA leg record.
    struct LegSnapshot: Sendable, Equatable {
        var target: String
        var contact: String?
        var attempt: Int
        var outcome: String
        var status: Int?
        var started: Date
        var ended: Date?
    }

    /// Events kept per call.
    static let maxEvents = 64
    /// Bytes kept of one event's detail (an SDP is well under it; a longer one is cut).
    static let maxDetailBytes = 4096

    private(set) var events: [Event] = []
    /// Events not kept because the timeline was full.
    private(set) var dropped = 0
    /// The attempts already announced (an attempt event written).
    private var announced: Set<Int> = []

    /// Appends an event, or counts it when the timeline is full.
    mutating func record(_ kind: Kind, _ detail: String, at time: Date = Date()) {
        guard events.count < Self.maxEvents else {
            dropped += 1
            return
        }
        var text = detail
        if text.utf8.count > Self.maxDetailBytes {
            text = String(decoding: text.utf8.prefix(Self.maxDetailBytes), as: UTF8.self) + " …(cut)"
        }
        events.append(Event(time: time, kind: kind, detail: text))
    }

    /// The dial plan's decision: the route with its plan line (or why none matched), the
    /// caller, the policy checks that failed and the attempts planned.
    mutating func recordRouting(_ decision: RoutingDecision, at time: Date) {
        let file = Self.fileName(decision.file)
        var text: String
        if let route = decision.route {
            text = "route \(route.name) (\(file):\(route.line))"
        } else {
            text = "no route matched"
        }
        text += ": \(decision.caller)\(decision.callerClass.map { " (class \($0))" } ?? "") → \(decision.calledNumber)"
        text += ", \(decision.attempts.count) attempt\(decision.attempts.count == 1 ? "" : "s")"
        for check in decision.policyChecks where !check.passed {
            text += "; policy \(check.check) failed\(check.line.map { " (\(file):\($0))" } ?? "")"
        }
        let final = decision.final
        text += "; if all fail: \(final.kind.rawValue) \(final.status) \"\(final.reason)\""
        if let line = final.line { text += " (\(file):\(line))" }
        record(.route, text, at: time)
    }

    /// Compares the leg records before and after an event: writes the start of each new attempt
    /// (with the failover from the previous one) and each leg that ended.
    mutating func recordLegChanges(before: [LegSnapshot], after: [LegSnapshot], decision: RoutingDecision, at time: Date) {
        for (index, leg) in after.enumerated() {
            let previous = index < before.count ? before[index] : nil
            if previous == nil, !announced.contains(leg.attempt) {
                announceAttempt(leg.attempt, legs: after, decision: decision, at: time)
            }
            guard leg.outcome != "pending", previous?.outcome != leg.outcome else { continue }
            var text = "\(leg.target)\(leg.contact.map { " <\($0)>" } ?? "") (attempt \(leg.attempt + 1)): \(leg.outcome)"
            if let status = leg.status, String(status) != leg.outcome { text += " (\(status))" }
            text += " after \(Self.milliseconds((leg.ended ?? time).timeIntervalSince(leg.started))) ms"
            record(.leg, text, at: time)
        }
    }

    /// An attempt starts: which plan line, which legs, how long it rings, when it moves on;
    /// preceded by the failover event from the attempt before it.
    private mutating func announceAttempt(_ index: Int, legs: [LegSnapshot], decision: RoutingDecision, at time: Date) {
        let file = Self.fileName(decision.file)
        if let previous = announced.max() {
            let outcomes = legs.filter { $0.attempt == previous }.map(\.outcome)
            let from = decision.attempts.indices.contains(previous) ? " (\(file):\(decision.attempts[previous].line))" : ""
            record(.failover, "attempt \(previous + 1)\(from) failed (\(outcomes.joined(separator: ", "))) → attempt \(index + 1)",
                   at: time)
        }
        announced.insert(index)
        guard decision.attempts.indices.contains(index) else { return }
        let attempt = decision.attempts[index]
        let targets = attempt.legs.map { "\($0.kind.rawValue) \($0.target) (\($0.number))" }.joined(separator: ", ")
        var text = "attempt \(index + 1) of \(decision.attempts.count) (\(file):\(attempt.line)): \(attempt.strategy.rawValue) \(targets)"
        text += ", ring \(attempt.timeoutMilliseconds / 1000) s"
        if !attempt.nextOn.isEmpty { text += ", next on \(attempt.nextOn.map(\.description).joined(separator: ", "))" }
        if let rewriting = attempt.rewriting { text += ", number \(rewriting)" }
        record(.attempt, text, at: time)
    }

    /// The last non-empty `/`-separated component of `path` (`path` itself when it has none),
    /// found from the end without splitting the whole path (twice per call).
    static func fileName(_ path: String) -> String {
        let slash = UInt8(ascii: "/"), bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash { end = bytes.index(before: end) }
        guard end > bytes.startIndex else { return path }
        var start = end
        while start > bytes.startIndex, bytes[bytes.index(before: start)] != slash { start = bytes.index(before: start) }
        return start == bytes.startIndex && end == bytes.endIndex ? path : String(path[start..<end])
    }

    static func milliseconds(_ interval: TimeInterval) -> Int {
        max(0, Int((interval * 1000).rounded()))
    }
}
