import OperatorInput

/// Plan-wide rules that routes cannot loosen by accident.
public struct Policy: Sendable {
    /// Our country code (`46`): numbers outside it are international.
    public var country: String
    /// Classes allowed to reach trunks at all; a route must still say which trunk.
    public var trunkClasses: Set<Endpoint.Class>
    /// Categories and prefixes (E.164 with `+`) refused on trunk legs unless a route allows them.
    public var blocked: [BlockedDestination]
    /// Premium-rate prefixes, E.164 with `+`.
    public var premiumPrefixes: [String]
    /// Classes that may reach a blocked category on any route.
    public var allow: [DestinationCategory: Set<Endpoint.Class>]
    public var rateLimit: RateLimit
    public var position: SourcePosition

    /// Safe defaults: every class may use a trunk a route names, international and premium are blocked.
    public static func standard(country: String = "46") -> Policy {
        Policy(country: country, trunkClasses: Set(Endpoint.Class.allCases),
               blocked: [.category(.international), .category(.premium)],
               premiumPrefixes: (premiumDefaults[country] ?? []) + internationalPremium, allow: [:],
               rateLimit: RateLimit(callsPerMinute: 30, registrationsPerMinute: 60),
               position: .unknown)
    }

    /// Shared-cost and premium ranges outside any country, the usual end of international revenue
    /// share fraud (INTEROP.md, "Toll fraud"): ITU-T E.164 international networks (+881 satellite,
    /// +882/+883 international networks) and +979 (international premium rate service).
    /// Premium in every plan that does not list its own `premium` prefixes.
    public static let internationalPremium = ["+881", "+882", "+883", "+979"]

    /// Premium-rate ranges per country code, used when the plan lists none.
    public static let premiumDefaults: [String: [String]] = [
        "46": ["+46900", "+46939", "+46944"],
        "44": ["+449", "+4487"],
        "49": ["+49900", "+49137"],
        "1": ["+1900", "+1976"],
    ]
}

/// Destination categories that policy knows.
public enum DestinationCategory: String, Sendable, Codable, CaseIterable, Comparable {
    case international, premium
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One entry of `policy.block`.
public enum BlockedDestination: Sendable, Equatable {
    case category(DestinationCategory)
    case prefix(String)
}

/// Per-source limits the SIP front end enforces (the routing function only carries them).
public struct RateLimit: Sendable, Equatable, Codable {
    /// New calls per minute one endpoint may start (`calls_per_minute` of the endpoint overrides
    /// it; a pbx gets ten times this).
    public var callsPerMinute: Int
    /// REGISTER requests per minute from one source address.
    public var registrationsPerMinute: Int
}
