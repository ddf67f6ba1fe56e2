import OperatorInput

/// One rule of the dial plan: who calls, what they dial, when; then what to try, in order.
public struct Route: Sendable {
    public var name: String
    public var position: SourcePosition
    public var caller: CallerMatch
    /// Any of these matches; empty matches every number.
    public var called: [NumberMatch]
    /// Any of these windows; empty means always.
    public var windows: [TimeWindow]
    public var action: Action
    /// Destination categories this route may reach although policy blocks them.
    public var allow: Set<DestinationCategory>
    /// Digits from the answering party on a door call, and what they do.
    public var doorActions: [DoorAction]

    /// What a matching route does.
    public enum Action: Sendable {
        case targets([Target])
        /// Refuse the call with this status (RFC 3261 §21.4/§21.6).
        case reject(status: Int, reason: String?)
    }

    /// The targets of a `try` route; empty for a rejecting one.
    public var targets: [Target] {
        if case .targets(let targets) = action { return targets }
        return []
    }
}

/// Who a route applies to. `endpoints`, `classes` and `trunks` are alternatives (any of them);
/// `networks` further restricts by source address. Nothing given matches every caller.
public struct CallerMatch: Sendable {
    public var endpoints: [Reference] = []
    public var classes: [Endpoint.Class] = []
    public var trunks: [Reference] = []
    public var networks: [IPNetwork] = []

    /// True when the route names no caller condition at all.
    public var isAny: Bool { endpoints.isEmpty && classes.isEmpty && trunks.isEmpty && networks.isEmpty }
    /// True when the route names endpoints, classes or trunks (not only networks).
    public var hasIdentity: Bool { !(endpoints.isEmpty && classes.isEmpty && trunks.isEmpty) }
}

/// One step of a route.
public struct Target: Sendable {
    /// What a target does.
    public enum Kind: Sendable {
        /// Ring endpoints or groups.
        case ring([Reference], RingStrategy)
        /// Send the call to a carrier.
        case trunk(Reference)
        /// Continue with another route's targets.
        case route(Reference)
        /// End the call with this status.
        case reject(status: Int, reason: String?)
    }

    public var kind: Kind
    public var timeout: Duration?
    /// When nil, the default set (`Outcome.defaultNextOn`) applies.
    public var nextOn: [Outcome]?
    /// A number template with `$0` (whole number) and `$1`…`$9` (captures of the matching pattern).
    public var number: String?
    public var rewrite: Rewrite?
    /// Our forwarding number for Diversion (RFC 5806) on this leg.
    public var diversion: String?
    /// Overrides the trunk's identity policy for this target.
    public var identity: IdentityPolicy?
    public var position: SourcePosition

    /// Ring timeout used when a target gives none.
    public static let defaultTimeout = Duration.seconds(30)
}

/// Strip digits then prepend a prefix.
public struct Rewrite: Sendable, Equatable, Codable {
    public var strip: Int
    public var prepend: String

    /// Applies the rewrite: `strip: 1, prepend: "+46"` turns `0701` into `+46701`.
    public func apply(_ number: String) -> String {
        prepend + String(number.dropFirst(min(strip, number.count)))
    }
}

/// A digit sequence from the answering party on a door call (RFC 4733 or INFO) and its effect.
public struct DoorAction: Sendable, Equatable {
    public enum Effect: String, Sendable, Codable, CaseIterable {
        /// Send the same digits to the door, in the door's DTMF mode and pacing; record it in the CDR.
        case openDoor = "open_door"
    }

    public var digits: String
    public var effect: Effect
    public var position: SourcePosition
}
