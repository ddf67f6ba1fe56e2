/// The routing function's answer: the ordered attempts the B2BUA executes, what ends the call
/// when they all fail, and (when asked) the trace that explains it.
public struct RoutingDecision: Sendable, Codable {
    public var file: String
    public var caller: String
    public var callerClass: String?
    public var calledNumber: String
    /// The route that decided, with its line; nil when none matched.
    public var route: RouteReference?
    /// The caller's own leg: what it speaks.
    public var callerLeg: Leg?
    public var attempts: [Attempt]
    public var final: FinalDisposition
    public var doorActions: [PlannedDoorAction]
    /// Policy checks that ran, passed or not.
    public var policyChecks: [PolicyCheck]
    /// Every rule considered, in order; empty unless the decision was made with `explain: true`.
    public var trace: [TraceStep]
    /// Why policy refused a trunk leg (`+88216… is international (outside +46): blocked by
    /// policy`), kept even without `explain`: the gateway puts it in the `Warning` of the reject
    /// when no attempt is left (RFC 3261 §20.43). Not part of the JSON form.
    public var refusal: String? = nil

    enum CodingKeys: String, CodingKey {
        case file, caller, callerClass = "caller_class", calledNumber = "called_number", route
        case callerLeg = "caller_leg", attempts, final, doorActions = "door_actions", policyChecks = "policy_checks", trace
    }
}

/// The route that decided, by name and plan line.
public struct RouteReference: Sendable, Codable, Equatable {
    public var name: String
    public var line: Int
}

/// One leg of an attempt: an endpoint or a trunk, and its media profile.
public struct Leg: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case endpoint, trunk }
    public var target: String
    public var kind: Kind
    /// Request-URI user on this leg: the endpoint's name, or the number sent to the trunk.
    public var number: String
    public var media: MediaProfile
}

/// Caller identity sent on a trunk leg.
public struct LegIdentity: Sendable, Codable, Equatable {
    public var from: String?
    public var assertedIdentity: String?
    public var privacy: IdentityPolicy.Privacy
    public var diversion: String?

    enum CodingKeys: String, CodingKey { case from, assertedIdentity = "p_asserted_identity", privacy, diversion }
}

/// One step the B2BUA takes: ring these legs (together), wait `timeout`, move on when `nextOn` covers the outcome.
public struct Attempt: Sendable, Codable {
    public var line: Int
    public var legs: [Leg]
    public var strategy: RingStrategy
    public var timeoutMilliseconds: Int64
    public var nextOn: [Outcome]
    public var identity: LegIdentity?
    /// How the number was rewritten for this attempt (`101 → +46701234567 (number template)`), if it was.
    public var rewriting: String?

    /// The ring timeout of this attempt.
    public var timeout: Duration { .milliseconds(timeoutMilliseconds) }

    enum CodingKeys: String, CodingKey {
        case line, legs, strategy, timeoutMilliseconds = "timeout_ms", nextOn = "next_on", identity, rewriting
    }
}

/// What the caller gets when no attempt answers (or at once when there is none).
public struct FinalDisposition: Sendable, Codable, Equatable {
    /// `reject`: answer `status`; `relay`: pass on the last attempt's failure.
    public enum Kind: String, Sendable, Codable { case reject, relay }
    public var kind: Kind
    public var status: Int
    public var reason: String
    public var line: Int?
}

/// A digit sequence that opens the door, and how it is delivered to it.
public struct PlannedDoorAction: Sendable, Codable, Equatable {
    public var digits: String
    public var effect: DoorAction.Effect
    public var door: String
    public var dtmf: DTMFProfile
    public var line: Int
}

/// One policy check made while routing, and whether it passed.
public struct PolicyCheck: Sendable, Codable, Equatable {
    public var check: String
    public var passed: Bool
    public var line: Int?
}

/// One line of the decision trace, with the plan line it refers to.
public struct TraceStep: Sendable, Codable, Equatable {
    public var line: Int?
    public var text: String
}
