import SIPCore

/// The client side of Digest (RFC 3261 §22.2, RFC 7616 §3.4, RFC 8760 §2.4): answers a 401/407
/// challenge. Keeps the nonce count per nonce, so one value serves a series of requests.
public struct DigestClient: Sendable {
    /// The username.
    public var username: String
    /// The password, or stored HA1 hashes.
    public var secret: DigestSecret
    private var nonce = ""
    private var nonceCount: UInt32 = 0

    /// Creates a client for one account.
    public init(username: String, secret: DigestSecret) {
        self.username = username
        self.secret = secret
    }

    /// Picks the strongest challenge we support (SHA-256 over MD5, RFC 8760 §2.4) and returns
    /// the credentials for `method` to `uri`; nil when no challenge can be answered.
    public mutating func answer(_ challenges: [DigestChallenge], method: String, uri: String,
                                cnonce: String = DigestHash.randomHex(12)) -> DigestCredentials? {
        let usable = challenges.compactMap { challenge -> (DigestChallenge, DigestHash)? in
            guard challenge.isDigest, let hash = DigestHash(challenge.algorithm), challenge.nonce != nil,
                  challenge.realm != nil else { return nil }
            return (challenge, hash)
        }
        guard let picked = usable.first(where: { $0.1 == .sha256 }) ?? usable.first else { return nil }
        let (challenge, hash) = picked
        guard let realm = challenge.realm, let challengeNonce = challenge.nonce,
              let ha1 = secret.ha1(hash, username: username, realm: realm) else { return nil }
        if challengeNonce != nonce {
            nonce = challengeNonce
            nonceCount = 0
        }
        nonceCount &+= 1
        let qop: String? = challenge.qopOptions.contains("auth") ? "auth" : nil
        let ncText = String(nonceCount, radix: 16)
        let nc = String(repeating: "0", count: max(0, 8 - ncText.count)) + ncText
        let response = DigestResponse.compute(hash, ha1: ha1, method: method, uri: uri, nonce: challengeNonce,
                                              nonceCount: nc, cnonce: cnonce, qop: qop)
        return DigestCredentials(username: username, realm: realm, nonce: challengeNonce, uri: uri, response: response,
                                 algorithm: challenge.algorithm, cnonce: qop == nil ? nil : cnonce,
                                 opaque: challenge.opaque, qop: qop, nonceCount: qop == nil ? nil : nonceCount)
    }
}
