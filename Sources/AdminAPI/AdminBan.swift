import Foundation

/// One active ban on a source address (`GET /bans`, `gatehouse bans`).
public struct AdminBan: Codable, Sendable, Equatable {
    /// The banned IPv4 or IPv6 address.
    public var source: String
    /// `authenticationFailures`, `rateLimit` or `manual`.
    public var reason: String
    public var since: Date
    public var until: Date

    public init(source: String, reason: String, since: Date, until: Date) {
        self.source = source
        self.reason = reason
        self.since = since
        self.until = until
    }
}

/// What `DELETE /bans/{source}` did.
public struct AdminBanLift: Codable, Sendable, Equatable {
    /// The address as given.
    public var source: String
    /// Whether a ban was active (and is now lifted).
    public var lifted: Bool

    public init(source: String, lifted: Bool) {
        self.source = source
        self.lifted = lifted
    }
}
