extension SIPURI {
    /// URI parameters that must match when present in either URI (RFC 3261 §19.1.4: a user, ttl
    /// or method parameter, an maddr parameter, and the transport parameter never match their
    /// absence, even with the default value).
    static let parametersRequiredInBoth = ["user", "ttl", "method", "maddr", "transport"]

    /// RFC 3261 §19.1.4 URI comparison.
    ///
    /// - sip and sips never match;
    /// - userinfo (user, password) compares case-sensitively, everything else case-insensitively;
    /// - `%HH` escapes of unreserved characters equal the characters themselves, escapes of
    ///   reserved characters do not;
    /// - user, password, host and port must all match, and an omitted component never matches an
    ///   explicit default (no port ≠ `:5060`); a host name never matches an address;
    /// - parameters in both URIs must match; `user`, `ttl`, `method`, `maddr` and `transport`
    ///   must be in both or neither; any other parameter in only one URI is ignored;
    /// - headers are never ignored: both URIs carry the same headers with equal values, in any
    ///   order.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard isSecure == other.isSecure,
              SIPURI.optionalComponentsEqual(user, other.user, caseInsensitive: false),
              SIPURI.optionalComponentsEqual(password, other.password, caseInsensitive: false),
              host.isEquivalent(to: other.host),
              port == other.port else { return false }
        guard SIPURI.parametersMatch(parameters, other.parameters),
              SIPURI.parametersMatch(other.parameters, parameters) else { return false }
        return SIPURI.headersMatch(headers, other.headers)
    }

    private static func optionalComponentsEqual(_ lhs: String?, _ rhs: String?, caseInsensitive: Bool) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): true
        case (let left?, let right?): SIPEscaping.componentsEqual(left, right, caseInsensitive: caseInsensitive)
        default: false
        }
    }

    /// Every parameter of `lhs` either matches its namesake in `rhs` or, when `rhs` lacks it, is
    /// one that may be ignored. A repeated name counts once, by its first occurrence (the one
    /// lookups return), on both sides.
    private static func parametersMatch(_ lhs: SIPParameters, _ rhs: SIPParameters) -> Bool {
        for (position, parameter) in lhs.enumerated()
        where !lhs[..<position].contains(where: { SIPEscaping.componentsEqual($0.name, parameter.name, caseInsensitive: true) }) {
            let namesake = rhs.first {
                SIPEscaping.componentsEqual($0.name, parameter.name, caseInsensitive: true)
            }
            if let namesake {
                guard optionalComponentsEqual(parameter.value, namesake.value, caseInsensitive: true) else {
                    return false
                }
            } else if parametersRequiredInBoth.contains(where: { ASCII.equalsIgnoringCase($0, parameter.name) }) {
                return false
            }
        }
        return true
    }

    /// The same headers on both sides, in any order.
    private static func headersMatch(_ lhs: SIPParameters, _ rhs: SIPParameters) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var unmatched = Array(rhs)
        for header in lhs {
            let index = unmatched.firstIndex {
                SIPEscaping.componentsEqual($0.name, header.name, caseInsensitive: true)
                    && optionalComponentsEqual($0.value, header.value, caseInsensitive: true)
            }
            guard let index else { return false }
            unmatched.remove(at: index)
        }
        return true
    }
}
