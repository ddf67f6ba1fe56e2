/// Stateless nonces (RFC 7616 §3.3: "a nonce might be constructed as the base64 encoding of
/// time-stamp H(time-stamp ":" ETag ":" secret-data)"): each nonce carries its issue time and a
/// random salt, authenticated with HMAC-SHA-256 under a server secret, so the server keeps no
/// per-nonce state to check it.
///
/// Wire form: 40 lowercase hex digits = 8 bytes issue time (Unix seconds, big endian), 4 bytes
/// salt, 8 bytes truncated HMAC over time, salt and realm.
public struct DigestNonceCodec: Sendable {
    /// How the check of a nonce came out.
    public enum Check: Equatable, Sendable {
        /// Authentic and within its lifetime.
        case fresh
        /// Authentic but older than the lifetime: answer with `stale=true` (RFC 7616 §3.3).
        case stale
        /// Not issued by this server (bad form or HMAC), or issued in the future.
        case invalid
    }

    /// The server secret (32 random bytes by default; give a fixed one to keep nonces valid
    /// across a restart or across a cluster).
    public let secret: [UInt8]
    /// The realm the nonces are bound to.
    public let realm: String
    /// How long a nonce stays fresh, in seconds.
    public let lifetime: Int64

    /// Creates a codec. `secret` defaults to 32 fresh random bytes.
    public init(realm: String, lifetime: Int64 = 300, secret: [UInt8] = DigestHash.randomBytes(32)) {
        self.realm = realm
        self.lifetime = lifetime
        self.secret = secret
    }

    /// A new nonce issued at `now` (Unix seconds).
    public func make(now: Int64, salt: [UInt8] = DigestHash.randomBytes(4)) -> String {
        var body = [UInt8]()
        body.reserveCapacity(20)
        for shift in stride(from: 56, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: now >> Int64(shift))) }
        body += salt.prefix(4) + [UInt8](repeating: 0, count: max(0, 4 - salt.count))
        body += mac(body)
        return Hex.encode(body)
    }

    /// Checks a nonce a client returned.
    public func check(_ nonce: String, now: Int64) -> Check {
        guard let bytes = Self.decodeHex(nonce), bytes.count == 20 else { return .invalid }
        let body = Array(bytes[0..<12])
        guard Hex.constantTimeEquals(Hex.encode(mac(body)), Hex.encode(Array(bytes[12..<20]))) else { return .invalid }
        var issued: Int64 = 0
        for byte in body[0..<8] { issued = issued << 8 | Int64(byte) }
        // Allow a little clock skew between nodes sharing a secret.
        if issued > now + 5 { return .invalid }
        return now - issued > lifetime ? .stale : .fresh
    }

    private func mac(_ body: [UInt8]) -> [UInt8] {
        Array(DigestHash.hmacSHA256(key: secret, message: body + Array(realm.utf8)).prefix(8))
    }

    private static func decodeHex(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0, utf8.count <= 64 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// Nonce-count replay check (RFC 7616 §3.4: the server "should check that the nonce-count
/// value is greater than any previous one seen for this nonce"), bounded: it remembers the
/// highest `nc` of at most `capacity` nonces and forgets the least recently used first.
///
/// A nonce it has forgotten (or never saw) is accepted only with `nc=1`; any higher count on an
/// untracked nonce is answered as stale, so a replay of a forgotten nonce draws a fresh challenge.
public struct NonceCountTracker: Sendable {
    /// The most nonces remembered.
    public let capacity: Int
    private var highest: [String: (count: UInt32, stamp: UInt64)] = [:]
    private var clock: UInt64 = 0

    /// Creates a tracker remembering up to `capacity` nonces.
    public init(capacity: Int = 4096) { self.capacity = max(1, capacity) }

    /// How many nonces are tracked now.
    public var count: Int { highest.count }

    /// What `accept` decided.
    public enum Verdict: Equatable, Sendable {
        /// The count is new: accepted and recorded.
        case accepted
        /// The count was seen before or is lower: a replay.
        case replay
        /// The nonce is not tracked and the count is above 1.
        case untracked
    }

    /// Records `count` for `nonce` when it is higher than any seen before.
    public mutating func accept(nonce: String, count: UInt32) -> Verdict {
        clock &+= 1
        if let seen = highest[nonce] {
            guard count > seen.count else { return .replay }
            highest[nonce] = (count, clock)
            return .accepted
        }
        guard count == 1 else { return .untracked }
        if highest.count >= capacity {
            // Forget the least recently used quarter at once: amortized O(1) per nonce.
            let drop = highest.sorted { $0.value.stamp < $1.value.stamp }.prefix(max(1, capacity / 4))
            for entry in drop { highest[entry.key] = nil }
        }
        highest[nonce] = (count, clock)
        return .accepted
    }
}
