import SIPCore

/// What a user's credentials are stored as (from the dial plan's endpoint definitions).
public enum DigestSecret: Sendable, Equatable {
    /// A clear-text password (from an environment variable or a secrets file).
    case password(String)
    /// Stored `H(A1)` hashes, one per algorithm (RFC 7616 §3.4.2); an algorithm without a hash
    /// here cannot be verified for this user.
    case ha1(md5: String?, sha256: String?)

    /// `H(A1)` for `hash`, or nil when this secret cannot give it.
    public func ha1(_ hash: DigestHash, username: String, realm: String) -> String? {
        switch self {
        case .password(let password): return DigestResponse.ha1(hash, username: username, realm: realm, password: password)
        case .ha1(let md5, let sha256): return (hash == .md5 ? md5 : sha256)?.lowercased()
        }
    }
}

/// Digest authentication of SIP requests (RFC 3261 §22, RFC 7616, RFC 8760), as a value type:
/// the caller owns it and passes the current time.
///
/// Unknown users and wrong passwords are indistinguishable: both end in ``Outcome/failed``, which
/// maps to one status and reason phrase, after the same hashing work (an unknown user is checked
/// against a dummy secret).
public struct DigestAuthenticator: Sendable {
    /// The outcome of checking a request.
    public enum Outcome: Equatable, Sendable {
        /// The credentials are valid for this user.
        case authenticated(username: String, algorithm: DigestAlgorithm)
        /// No usable credentials for our realm (or a replayed/foreign nonce): send a challenge.
        case challenge
        /// Valid credentials on an expired nonce: challenge with `stale=true` (RFC 7616 §3.3).
        case stale
        /// Wrong password, unknown user, or an algorithm/qop we did not offer.
        case failed
    }

    /// The realm offered in challenges.
    public let realm: String
    /// The algorithms offered, in order of preference (RFC 8760 §2.4: strongest first).
    public let algorithms: [DigestHash]
    /// Nonce issue and check.
    public let nonces: DigestNonceCodec
    /// Replay check on nonce counts.
    public var nonceCounts: NonceCountTracker
    /// The status sent for ``Outcome/failed`` (the same for unknown user and wrong password).
    public static let failureStatus = 403
    /// The reason phrase sent with ``failureStatus``.
    public static let failureReason = "Forbidden"

    /// Creates an authenticator. `secret` keys the nonce HMAC.
    public init(realm: String, algorithms: [DigestHash] = [.sha256, .md5], nonceLifetime: Int64 = 300,
                secret: [UInt8] = DigestHash.randomBytes(32), trackedNonces: Int = 4096) {
        self.realm = realm
        self.algorithms = algorithms
        self.nonces = DigestNonceCodec(realm: realm, lifetime: nonceLifetime, secret: secret)
        self.nonceCounts = NonceCountTracker(capacity: trackedNonces)
    }

    /// The challenges to send, one per algorithm, SHA-256 first (RFC 8760 §2.4, RFC 7616 §3.7),
    /// all with `qop="auth"` and the same fresh nonce.
    public func challenges(now: Int64, stale: Bool = false) -> [DigestChallenge] {
        let nonce = nonces.make(now: now)
        return algorithms.map { DigestChallenge(realm: realm, nonce: nonce, algorithm: $0.algorithm, qop: ["auth"], stale: stale) }
    }

    /// Checks the credentials of a request.
    /// - Parameters:
    ///   - credentials: the request's Authorization (or Proxy-Authorization) values.
    ///   - method: the request method (A2).
    ///   - requestURI: the Request-URI as text; when given, the credentials' `uri` must equal it
    ///     (RFC 7616 §3.4.6).
    ///   - lookup: the stored secret of a username, nil when the user is unknown.
    public mutating func verify(
        _ credentials: [DigestCredentials], method: String, requestURI: String? = nil, now: Int64,
        lookup: (String) -> DigestSecret?
    ) -> Outcome {
        // RFC 3261 §22.4: pick the credentials for our realm; others are for proxies upstream.
        guard let credential = credentials.first(where: { $0.isDigest && $0.realm == realm }),
              let username = credential.username, let nonce = credential.nonce,
              let uri = credential.uri, let response = credential.response else { return .challenge }
        guard let hash = DigestHash(credential.algorithm), algorithms.contains(hash),
              credential.qop == "auth", let cnonce = credential.cnonce, let nc = credential.nonceCount,
              let ncText = credential.value("nc") else { return .failed }
        let nonceCheck = nonces.check(nonce, now: now)
        if nonceCheck == .invalid { return .challenge }
        if let requestURI, uri != requestURI { return .failed }

        // The same hashing work whether or not the user exists.
        let stored = lookup(username)?.ha1(hash, username: username, realm: realm)
        let ha1 = stored ?? DigestResponse.ha1(hash, username: username, realm: realm, password: Self.dummyPassword)
        let expected = DigestResponse.compute(hash, ha1: ha1, method: method, uri: uri, nonce: nonce,
                                              nonceCount: ncText, cnonce: cnonce, qop: "auth")
        let matches = Hex.constantTimeEquals(expected, response.lowercased())
        guard matches, stored != nil else { return .failed }
        if nonceCheck == .stale { return .stale }
        switch nonceCounts.accept(nonce: nonce, count: nc) {
        case .accepted: return .authenticated(username: username, algorithm: hash.algorithm)
        case .replay: return .challenge
        case .untracked: return .stale
        }
    }

    /// The response for an outcome other than ``Outcome/authenticated(username:algorithm:)``:
    /// 401 with `WWW-Authenticate` (or 407 with `Proxy-Authenticate` when `proxy`) challenges,
    /// or the single failure status.
    public func response(to request: SIPMessage, outcome: Outcome, now: Int64, proxy: Bool = false) -> SIPMessage? {
        switch outcome {
        case .authenticated: return nil
        case .failed:
            return request.makeResponse(status: Self.failureStatus, reason: Self.failureReason)
        case .challenge, .stale:
            var message = request.makeResponse(status: proxy ? 407 : 401)
            for challenge in challenges(now: now, stale: outcome == .stale) {
                message.headers.append(proxy ? .proxyAuthenticate : .wwwAuthenticate, value: challenge.description)
            }
            return message
        }
    }

    private static let dummyPassword = "gatehouse-unknown-user-dummy"
}
