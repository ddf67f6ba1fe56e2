import Foundation

/// A call as the admin API shows it (`GET /calls`, `GET /calls/{id}`). The call layer fills it;
/// `timeline` carries the routing decisions (with plan lines), SDP per leg, DTMF and failover.
public struct AdminCall: Codable, Sendable, Equatable {
    /// The call's id: the A leg's Call-ID, which also names its SIP trace.
    public var id: String
    public var from: String
    public var to: String
    /// `routing`, `ringing`, `answered`, `ended` …
    public var state: String
    /// When the first INVITE arrived.
    public var startedAt: Date
    /// The Call-IDs of every leg (the A leg first).
    public var legs: [String]
    /// What happened, in order.
    public var timeline: [Event]

    /// One entry of a call's timeline.
    public struct Event: Codable, Sendable, Equatable {
        public var time: Date
        /// `route`, `attempt`, `failover`, `leg`, `sdp`, `dtmf`, `end` …
        public var kind: String
        public var detail: String
        /// Milliseconds since the call started (`time` is whole seconds in JSON).
        public var offsetMilliseconds: Int?

        public init(time: Date, kind: String, detail: String, offsetMilliseconds: Int? = nil) {
            self.time = time
            self.kind = kind
            self.detail = detail
            self.offsetMilliseconds = offsetMilliseconds
        }
    }

    public init(id: String, from: String, to: String, state: String, startedAt: Date, legs: [String], timeline: [Event] = []) {
        self.id = id
        self.from = from
        self.to = to
        self.state = state
        self.startedAt = startedAt
        self.legs = legs
        self.timeline = timeline
    }
}

/// The body of `POST /route/explain`: the same inputs as `gatehouse route explain`.
public struct AdminExplainQuery: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var callerNumber: String?
    /// Endpoints or trunks to treat as offline.
    public var offline: [String]?
    /// Simulated outcomes, `NAME=OUTCOME`.
    public var outcomes: [String]?
    /// The time of the call, e.g. `2026-11-22T18:00`.
    public var at: String?

    public init(from: String, to: String, callerNumber: String? = nil, offline: [String]? = nil,
                outcomes: [String]? = nil, at: String? = nil) {
        self.from = from
        self.to = to
        self.callerNumber = callerNumber
        self.offline = offline
        self.outcomes = outcomes
        self.at = at
    }
}

/// The answer to `POST /route/explain`.
public struct AdminExplainResult: Codable, Sendable, Equatable {
    /// Whether the plan could explain the call (`false`: `error` says why).
    public var ok: Bool
    /// The decision trace as text, one rule per line with its plan line.
    public var text: String
    public var error: String?

    public init(ok: Bool, text: String, error: String? = nil) {
        self.ok = ok
        self.text = text
        self.error = error
    }
}
