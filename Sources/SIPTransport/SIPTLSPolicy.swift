import NIOSSL

/// The TLS policy of every SIP TLS socket, listener and outbound alike (issue 10, "Transport and
/// media security"; RFC 3261 §26.2.1 asks for TLS on hops that carry credentials).
///
/// - TLS 1.2 and 1.3 only (RFC 8996 deprecates TLS 1.0 and 1.1).
/// - TLS 1.2 cipher suites: ECDHE key exchange (forward secrecy) with AEAD ciphers only,
///   AES-GCM or ChaCha20-Poly1305 (RFC 7525 §4.2, BCP 195); no CBC, RC4, 3DES, static RSA key
///   exchange, anonymous or null suites. TLS 1.3 suites are AEAD by definition (RFC 8446 §9.1)
///   and BoringSSL does not let them be changed.
public enum SIPTLSPolicy {
    /// The TLS 1.2 cipher suites, strongest key exchange first (BoringSSL names).
    public static let cipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
    ]

    /// The lowest protocol version accepted.
    public static let minimumVersion = TLSVersion.tlsv12

    /// Applies the policy to a NIOSSL configuration.
    static func apply(to configuration: inout TLSConfiguration) {
        configuration.minimumTLSVersion = minimumVersion
        configuration.cipherSuites = cipherSuites.joined(separator: ":")
    }
}
