/// The Digest `response` computation (RFC 7616 §3.4.1, §3.4.2; RFC 3261 §22.4 for SIP), for
/// `qop=auth` and no `-sess` variant.
///
/// ```
/// A1 = unq(username) ":" unq(realm) ":" passwd
/// A2 = Method ":" request-uri
/// response = <"> < KD ( H(A1), unq(nonce) ":" nc ":" unq(cnonce) ":" unq(qop) ":" H(A2) ) <">
/// ```
public enum DigestResponse {
    /// `H(A1)`: the hex hash of `username:realm:password`, the form credentials are stored in.
    public static func ha1(_ hash: DigestHash, username: String, realm: String, password: String) -> String {
        hash.hex("\(username):\(realm):\(password)")
    }

    /// The expected `response` value given `H(A1)`.
    /// - Parameters:
    ///   - qop: `auth`, or nil for the RFC 2069 form without qop/nc/cnonce (§3.4.1 only for compatibility).
    public static func compute(
        _ hash: DigestHash, ha1: String, method: String, uri: String, nonce: String,
        nonceCount: String, cnonce: String, qop: String?
    ) -> String {
        let ha2 = hash.hex("\(method):\(uri)")
        guard let qop else { return hash.hex("\(ha1):\(nonce):\(ha2)") }
        return hash.hex("\(ha1):\(nonce):\(nonceCount):\(cnonce):\(qop):\(ha2)")
    }
}
