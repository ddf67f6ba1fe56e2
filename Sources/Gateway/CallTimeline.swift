import B2BUA
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
///
/// Nobody reads a timeline unless the admin API asks (a few calls a day against thousands a
/// second), so the call writes compact values (``Entry``: the leg record, the SDP's bytes, an
/// attempt number) and ``events`` formats the text when asked (CallTimeline+Text.swift).
struct CallTimeline: Sendable {
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
    struct LegSnapshot: Sendable, Equatable, LegSnapshotValues {
        var target: String
        var contact: String?
        var attempt: Int
        var outcome: String
        var status: Int?
        var started: Date
        var ended: Date?
    }

    /// An event as written: the values its text is made of (CallTimeline+Text.swift).
    enum Entry: Sendable {
        /// Text written as it is (DTMF, rare paths).
        case text(Kind, String)
        /// The routing decision (``decision``).
        case route
        /// Attempt `index` of ``decision`` starts.
        case attempt(Int)
        /// Attempt `previous` failed with these leg outcomes; `next` starts.
        case failover(previous: Int, next: Int, outcomes: [String])
        /// A leg ended.
        case leg(LegSnapshot)
        /// An SDP body, with what it was.
        case sdp(SDPNote, ArraySlice<UInt8>)
        /// The call ended.
        case end(CallEnd)
    }

    /// What an SDP event says before the body.
    enum SDPNote: Sendable {
        /// `caller (Call-ID …): offer received`.
        case callerOffer(callID: String)
        /// `caller: answer sent with 200`.
        case callerAnswer(status: Int)
        /// `leg2 carrier (Call-ID …): offer sent to sip:…`.
        case legOffer(LegLabel, to: String)
        /// `leg2 carrier (Call-ID …): answer received with 200`.
        case legAnswer(LegLabel, status: Int)
        /// Any other text.
        case text(String)
    }

    /// How the timeline names an outbound leg: `leg2 carrier (Call-ID …)`, or `leg2` alone when
    /// the call has no such leg.
    struct LegLabel: Sendable {
        var id: CallLegID
        var target: String?
        var callID: String?
    }

    /// The end of the call: status, cause, who ended it, the legs and the duration.
    struct CallEnd: Sendable {
        var status: Int
        var cause: UInt16
        var endedBy: String
        var legs: [CallRecord.LegRecord]
        var milliseconds: Int
    }

    /// Events kept per call.
    static let maxEvents = 64
    /// Bytes kept of one event's detail (an SDP is well under it; a longer one is cut).
    static let maxDetailBytes = 4096

    /// The events written, with their times, in order.
    private(set) var entries: [(time: Date, entry: Entry)] = []
    /// Events not kept because the timeline was full.
    private(set) var dropped = 0
    /// The attempts already announced (an attempt event written), in order.
    private var announced: [Int] = []
    /// The routing decision the route, attempt and failover events name.
    private(set) var decision: RoutingDecision?

    /// Appends an event, or counts it when the timeline is full.
    mutating func write(_ entry: Entry, at time: Date = Date()) {
        guard entries.count < Self.maxEvents else {
            dropped += 1
            return
        }
        entries.append((time, entry))
    }

    /// Appends an event with this text, or counts it when the timeline is full.
    mutating func record(_ kind: Kind, _ detail: String, at time: Date = Date()) {
        write(.text(kind, detail), at: time)
    }

    /// The dial plan's decision: the route with its plan line (or why none matched), the
    /// caller, the policy checks that failed and the attempts planned.
    mutating func recordRouting(_ decision: RoutingDecision, at time: Date) {
        self.decision = decision
        write(.route, at: time)
    }

    /// Compares the leg records before and after an event: writes the start of each new attempt
    /// (with the failover from the previous one) and each leg that ended.
    mutating func recordLegChanges<Leg: LegSnapshotValues>(before: [Leg], after: [Leg], decision: RoutingDecision,
                                                           at time: Date) {
        for index in after.indices {
            let previous = index < before.count ? before[index].outcome : nil
            let attempt = after[index].attempt
            if previous == nil, !announced.contains(attempt) {
                announceAttempt(attempt, legs: after, decision: decision, at: time)
            }
            let outcome = after[index].outcome
            guard outcome != "pending", previous != outcome else { continue }
            write(.leg(LegSnapshot(after[index])), at: time)
        }
    }

    /// An attempt starts; preceded by the failover event from the attempt before it.
    private mutating func announceAttempt<Leg: LegSnapshotValues>(_ index: Int, legs: [Leg], decision: RoutingDecision,
                                                                  at time: Date) {
        if self.decision == nil { self.decision = decision }
        if let previous = announced.max() {
            let outcomes = legs.filter { $0.attempt == previous }.map(\.outcome)
            write(.failover(previous: previous, next: index, outcomes: outcomes), at: time)
        }
        announced.append(index)
        guard decision.attempts.indices.contains(index) else { return }
        write(.attempt(index), at: time)
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
