/// `a=setup:` (RFC 4145 §4, used by DTLS-SRTP per RFC 8842).
public enum SetupRole: String, Sendable, Hashable, CaseIterable {
    /// Will initiate the connection.
    case active
    /// Will accept the connection.
    case passive
    /// Either; offers use this (RFC 5763 §5).
    case actpass
    /// Not now.
    case holdconn

    /// Parses the value after `a=setup:` (case-insensitive).
    public init(parsing value: String) throws(AttributeSyntaxError) {
        guard let role = SetupRole(rawValue: value.lowercased()) else {
            throw AttributeSyntaxError("setup '\(value)' is not active, passive, actpass or holdconn")
        }
        self = role
    }
}
