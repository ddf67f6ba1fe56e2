/// The direction attributes of RFC 8866 §6.7 (`sendrecv`, `sendonly`, `recvonly`, `inactive`),
/// valid at session and media level; absent means `sendrecv`.
public enum MediaDirection: String, Sendable, Hashable, CaseIterable {
    /// Send and receive (the default, RFC 8866 §6.7.1).
    case sendrecv
    /// Send only: the peer puts us on hold (RFC 3264 §8.4).
    case sendonly
    /// Receive only.
    case recvonly
    /// Neither.
    case inactive

    /// The direction an attribute name spells, compared ignoring ASCII case (no lower-cased copy).
    init?(token: String) {
        guard token.utf8.count == 8 else { return nil }
        guard let direction = Self.allCases.first(where: { token.caseInsensitiveEquals($0.rawValue) }) else { return nil }
        self = direction
    }

    /// True when this side sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// True when this side receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// Builds a direction from the two flags.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The direction an answer gives to an offer with this direction when the answerer itself
    /// wants `local` (RFC 3264 §6.1): sendonly → recvonly, recvonly → sendonly,
    /// inactive → inactive, sendrecv → `local`.
    public func answer(wanting local: MediaDirection = .sendrecv) -> MediaDirection {
        MediaDirection(sends: receives && local.sends, receives: sends && local.receives)
    }
}

extension Array where Element == Attribute {
    /// The last direction attribute in this list, or nil when none is present.
    public var direction: MediaDirection? {
        for attribute in reversed() where attribute.value == nil {
            if let direction = MediaDirection(token: attribute.name) { return direction }
        }
        return nil
    }

    /// Removes every direction attribute and appends `direction`.
    public mutating func setDirection(_ direction: MediaDirection) {
        removeAll { $0.value == nil && MediaDirection(token: $0.name) != nil }
        append(Attribute(direction.rawValue))
    }
}

extension SessionDescription {
    /// The direction of media stream `index`: its own attribute, else the session's, else
    /// `sendrecv` (RFC 8866 §6.7). A stream whose connection address is `0.0.0.0` (the RFC 2543
    /// hold form, RFC 3264 §8.4) counts as `sendonly` unless it says `inactive`.
    public func direction(ofMedia index: Int) -> MediaDirection {
        guard media.indices.contains(index) else { return .inactive }
        let stream = media[index]
        let written = stream.attributes.direction ?? attributes.direction ?? .sendrecv
        if connection(ofMedia: index)?.isHoldAddress == true {
            return written == .inactive || written == .recvonly ? .inactive : .sendonly
        }
        return written
    }

    /// The connection that applies to media stream `index`: its first own `c=`, else the
    /// session's (RFC 8866 §5.7).
    public func connection(ofMedia index: Int) -> Connection? {
        guard media.indices.contains(index) else { return nil }
        return media[index].connections.first ?? connection
    }
}
