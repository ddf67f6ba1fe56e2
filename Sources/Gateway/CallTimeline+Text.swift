import AdminAPI
import B2BUA
import DialPlan
import Foundation

/// What ``CallTimeline/recordLegChanges(before:after:decision:at:)`` reads of a leg record: the
/// B2BUA's records as they are (no copy per event) or the timeline's own snapshots.
protocol LegSnapshotValues {
    var target: String { get }
    var contact: String? { get }
    var attempt: Int { get }
    var outcome: String { get }
    var status: Int? { get }
    var started: Date { get }
    var ended: Date? { get }
}

extension CallRecord.LegRecord: LegSnapshotValues {}

/// The timeline's text, made from its compact entries when the admin API asks.
extension CallTimeline {
    /// The events as the admin API words them, in order (at most ``maxEvents``).
    var events: [Event] {
        entries.map { Event(time: $0.time, kind: Self.kind(of: $0.entry), detail: Self.cut(detail(of: $0.entry, at: $0.time))) }
    }

    /// The events as the admin API shows them, with their offsets from `startedAt`; a last
    /// event says how many were not kept.
    func adminEvents(startedAt: Date) -> [AdminCall.Event] {
        var events = events.map {
            AdminCall.Event(time: $0.time, kind: $0.kind.rawValue, detail: $0.detail,
                            offsetMilliseconds: Self.milliseconds($0.time.timeIntervalSince(startedAt)))
        }
        if dropped > 0 {
            events.append(.init(time: events.last?.time ?? startedAt, kind: "dropped",
                                detail: "\(dropped) later events not kept (limit \(Self.maxEvents))"))
        }
        return events
    }

    static func kind(of entry: Entry) -> Kind {
        switch entry {
        case .text(let kind, _): kind
        case .route: .route
        case .attempt: .attempt
        case .failover: .failover
        case .leg: .leg
        case .sdp: .sdp
        case .end: .end
        }
    }

    /// A detail longer than ``maxDetailBytes`` is cut there.
    static func cut(_ detail: String) -> String {
        guard detail.utf8.count > maxDetailBytes else { return detail }
        return String(decoding: detail.utf8.prefix(maxDetailBytes), as: UTF8.self) + " …(cut)"
    }

    /// One entry's text.
    func detail(of entry: Entry, at time: Date) -> String {
        switch entry {
        case .text(_, let text):
            return text
        case .route:
            return decision.map(Self.routing) ?? "no route matched"
        case .attempt(let index):
            return decision.map { Self.attempt(index, of: $0) } ?? "attempt \(index + 1)"
        case .failover(let previous, let next, let outcomes):
            let from = decision.flatMap { decision in
                decision.attempts.indices.contains(previous)
                    ? " (\(Self.fileName(decision.file)):\(decision.attempts[previous].line))" : nil
            } ?? ""
            return "attempt \(previous + 1)\(from) failed (\(outcomes.joined(separator: ", "))) → attempt \(next + 1)"
        case .leg(let leg):
            var text = "\(leg.target)\(leg.contact.map { " <\($0)>" } ?? "") (attempt \(leg.attempt + 1)): \(leg.outcome)"
            if let status = leg.status, String(status) != leg.outcome { text += " (\(status))" }
            text += " after \(Self.milliseconds((leg.ended ?? time).timeIntervalSince(leg.started))) ms"
            return text
        case .sdp(let note, let body):
            return Self.text(of: note) + "\n" + Self.lineFeeds(body)
        case .end(let end):
            let summary = end.legs.map { "\($0.target):\($0.outcome)" }.joined(separator: " → ")
            return "status \(end.status), Q.850 cause \(end.cause), ended by \(end.endedBy)"
                + ", legs \(summary.isEmpty ? "none" : summary), \(end.milliseconds) ms"
        }
    }

    /// The route with its plan line (or why none matched), the caller, the policy checks that
    /// failed and the attempts planned.
    static func routing(_ decision: RoutingDecision) -> String {
        let file = fileName(decision.file)
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
        return text
    }

    /// Which plan line, which legs, how long it rings, when it moves on.
    static func attempt(_ index: Int, of decision: RoutingDecision) -> String {
        guard decision.attempts.indices.contains(index) else { return "attempt \(index + 1)" }
        let attempt = decision.attempts[index]
        let targets = attempt.legs.map { "\($0.kind.rawValue) \($0.target) (\($0.number))" }.joined(separator: ", ")
        var text = "attempt \(index + 1) of \(decision.attempts.count) (\(fileName(decision.file)):\(attempt.line)): "
            + "\(attempt.strategy.rawValue) \(targets)"
        text += ", ring \(attempt.timeoutMilliseconds / 1000) s"
        if !attempt.nextOn.isEmpty { text += ", next on \(attempt.nextOn.map(\.description).joined(separator: ", "))" }
        if let rewriting = attempt.rewriting { text += ", number \(rewriting)" }
        return text
    }

    static func text(of note: SDPNote) -> String {
        switch note {
        case .callerOffer(let callID): "caller (Call-ID \(callID)): offer received"
        case .callerAnswer(let status): "caller: answer sent with \(status)"
        case .legOffer(let leg, let to): "\(text(of: leg)): offer sent to \(to)"
        case .legAnswer(let leg, let status): "\(text(of: leg)): answer received with \(status)"
        case .text(let text): text
        }
    }

    /// `leg2 carrier (Call-ID …)`, or `leg2`.
    static func text(of leg: LegLabel) -> String {
        guard let target = leg.target, let callID = leg.callID else { return leg.id.description }
        return "\(leg.id) \(target) (Call-ID \(callID))"
    }

    /// The body as text with CRLF line ends turned into LF, on the bytes (Foundation's
    /// `replacingOccurrences` cost ~1% of a call's CPU).
    static func lineFeeds(_ body: some Collection<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count)
        var pendingCR = false
        for byte in body {
            if pendingCR, byte != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\r")) }
            pendingCR = byte == UInt8(ascii: "\r")
            if !pendingCR { bytes.append(byte) }
        }
        if pendingCR { bytes.append(UInt8(ascii: "\r")) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension CallTimeline.LegSnapshot {
    /// The values of a leg record.
    init(_ leg: some LegSnapshotValues) {
        self.init(target: leg.target, contact: leg.contact, attempt: leg.attempt, outcome: leg.outcome, status: leg.status,
                  started: leg.started, ended: leg.ended)
    }
}
