import COpenSSL
import CSRTP
import Testing

/// Accepts any peer certificate during the handshake: DTLS-SRTP authenticates the peer by the
/// SDP `a=fingerprint` instead (RFC 5763 §5), checked after the handshake. At file scope so it
/// has no actor isolation.
private func acceptAnyCertificate(_ preverifyOK: Int32, _ store: OpaquePointer?) -> Int32 { 1 }

/// The OpenSSL error queue as text, for failure messages.
func openSSLErrors() -> String {
    var lines: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return lines.joined(separator: "; ")
}

/// A P-256 key and a self-signed certificate made in memory.
final class DTLSTestIdentity {
    let key: OpaquePointer
    let certificate: OpaquePointer

    init(commonName: String) throws {
        key = try #require(gh_EVP_EC_gen_P256(), "\(openSSLErrors())")
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw DTLSTestError.openSSL("X509_new")
        }
        self.certificate = certificate
        try #require(X509_set_version(certificate, 2) == 1)
        try #require(ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1) == 1)
        try #require(X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil)
        try #require(X509_gmtime_adj(X509_getm_notAfter(certificate), 30 * 86400) != nil)
        try #require(X509_set_pubkey(certificate, key) == 1)
        let name = try #require(X509_get_subject_name(certificate))
        let added = X509_NAME_add_entry_by_txt(name, "CN", GH_MBSTRING_ASC, Array(commonName.utf8), -1, -1, 0)
        try #require(added == 1)
        try #require(X509_set_issuer_name(certificate, name) == 1)
        try #require(X509_sign(certificate, key, EVP_sha256()) > 0, "\(openSSLErrors())")
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    /// The SHA-256 fingerprint, as `a=fingerprint:sha-256` carries it (RFC 8122 §5).
    var fingerprint: [UInt8] { sha256Fingerprint(of: certificate) }
}

func sha256Fingerprint(of certificate: OpaquePointer) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { return [] }
    return Array(digest.prefix(Int(length)))
}

enum DTLSTestError: Error {
    case openSSL(String)
}

/// One DTLS endpoint over a pair of memory BIOs.
final class DTLSTestEndpoint {
    let context: OpaquePointer
    let ssl: OpaquePointer
    /// The BIO the endpoint reads datagrams from; we write the peer's output into it.
    let input: OpaquePointer
    /// The BIO the endpoint writes datagrams to; we drain it towards the peer.
    let output: OpaquePointer

    init(identity: DTLSTestIdentity, srtpProfiles: String, isClient: Bool) throws {
        let context = try #require(SSL_CTX_new(DTLS_method()), "\(openSSLErrors())")
        self.context = context
        // Context settings first: an SSL object copies them when it is created.
        try #require(gh_SSL_CTX_set_min_proto_version(context, GH_DTLS1_2_VERSION) == 1)
        try #require(SSL_CTX_use_certificate(context, identity.certificate) == 1, "\(openSSLErrors())")
        try #require(SSL_CTX_use_PrivateKey(context, identity.key) == 1, "\(openSSLErrors())")
        try #require(SSL_CTX_check_private_key(context) == 1)
        // OpenSSL quirk: 0 means success here.
        try #require(SSL_CTX_set_tlsext_use_srtp(context, srtpProfiles) == 0)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, acceptAnyCertificate)
        // Memory BIOs cannot report a path MTU: set one, or records are over-fragmented.
        _ = gh_SSL_CTX_set_options_no_query_mtu(context)

        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw DTLSTestError.openSSL("SSL_new")
        }
        self.ssl = ssl
        // SSL_set_bio hands both BIOs to the SSL object, which frees them.
        input = try #require(BIO_new(BIO_s_mem()))
        output = try #require(BIO_new(BIO_s_mem()))
        SSL_set_bio(ssl, input, output)
        try #require(gh_DTLS_set_link_mtu(ssl, 1200) == 1)
        if isClient { SSL_set_connect_state(ssl) } else { SSL_set_accept_state(ssl) }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Moves everything this endpoint wrote to `peer`'s input; returns the octets moved.
    func flush(to peer: DTLSTestEndpoint) -> Int {
        var moved = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        while BIO_ctrl_pending(output) > 0 {
            let count = BIO_read(output, &buffer, Int32(buffer.count))
            guard count > 0 else { break }
            _ = BIO_write(peer.input, buffer, count)
            moved += Int(count)
        }
        return moved
    }

    /// One handshake step; throws on a fatal error.
    func step() throws {
        let result = SSL_do_handshake(ssl)
        if result == 1 { return }
        let error = SSL_get_error(ssl, result)
        guard error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE else {
            throw DTLSTestError.openSSL("handshake error \(error): \(openSSLErrors())")
        }
    }

    var isFinished: Bool { SSL_is_init_finished(ssl) == 1 }

    /// Keying material for SRTP (RFC 5764 §4.2).
    func exportSRTPKeyingMaterial(length: Int) throws -> [UInt8] {
        var material = [UInt8](repeating: 0, count: length)
        let label = "EXTRACTOR-dtls_srtp"
        let ok = SSL_export_keying_material(ssl, &material, length, label, label.utf8.count, nil, 0, 0)
        try #require(ok == 1, "\(openSSLErrors())")
        return material
    }
}

@Suite struct DTLSSmokeTests {
    @Test func contextWithSelfSignedCertificateAndSRTPProfiles() throws {
        let identity = try DTLSTestIdentity(commonName: "gatehouse")
        #expect(identity.fingerprint.count == 32)
        let endpoint = try DTLSTestEndpoint(identity: identity, srtpProfiles: "SRTP_AES128_CM_SHA1_80", isClient: false)
        #expect(SSL_is_dtls(endpoint.ssl) == 1)
        // An unknown profile name is refused (non-zero), so the success check above can fail.
        #expect(SSL_CTX_set_tlsext_use_srtp(endpoint.context, "SRTP_NO_SUCH_PROFILE") != 0)
        _ = openSSLErrors()
    }

    struct ProfileCase: Sendable, CustomTestStringConvertible {
        var offered: String
        var expectedID: UInt
        var keyLength: Int
        var saltLength: Int
        var suite: SRTPTestSession.Suite
        var testDescription: String { offered }
    }

    @Test(arguments: [
        ProfileCase(offered: "SRTP_AES128_CM_SHA1_80", expectedID: UInt(SRTP_AES128_CM_SHA1_80), keyLength: 16, saltLength: 14, suite: .aesCM128HMACSHA1_80),
        ProfileCase(offered: "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", expectedID: UInt(SRTP_AEAD_AES_128_GCM), keyLength: 16, saltLength: 12, suite: .aeadAES128GCM),
    ])
    func inMemoryHandshakeExportsMatchingSRTPKeys(_ profile: ProfileCase) throws {
        let clientIdentity = try DTLSTestIdentity(commonName: "softphone")
        let serverIdentity = try DTLSTestIdentity(commonName: "gatehouse")
        let client = try DTLSTestEndpoint(identity: clientIdentity, srtpProfiles: profile.offered, isClient: true)
        let server = try DTLSTestEndpoint(identity: serverIdentity, srtpProfiles: "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80", isClient: false)

        var flights = 0
        for _ in 0..<20 where !(client.isFinished && server.isFinished) {
            try client.step()
            if client.flush(to: server) > 0 { flights += 1 }
            try server.step()
            if server.flush(to: client) > 0 { flights += 1 }
        }
        #expect(client.isFinished && server.isFinished, "\(openSSLErrors())")
        #expect(flights >= 3, "a full DTLS 1.2 handshake takes several flights")

        // Both ends agree on the SRTP profile.
        let clientProfile = try #require(SSL_get_selected_srtp_profile(client.ssl))
        let serverProfile = try #require(SSL_get_selected_srtp_profile(server.ssl))
        #expect(clientProfile.pointee.id == profile.expectedID)
        #expect(serverProfile.pointee.id == profile.expectedID)

        // Each side sees the other's certificate: what the SDP fingerprint is checked against.
        let peerOfServer = try #require(SSL_get1_peer_certificate(server.ssl))
        defer { X509_free(peerOfServer) }
        #expect(sha256Fingerprint(of: peerOfServer) == clientIdentity.fingerprint)
        let peerOfClient = try #require(SSL_get1_peer_certificate(client.ssl))
        defer { X509_free(peerOfClient) }
        #expect(sha256Fingerprint(of: peerOfClient) == serverIdentity.fingerprint)

        // RFC 5764 §4.2: client key, server key, client salt, server salt.
        let length = 2 * (profile.keyLength + profile.saltLength)
        let clientMaterial = try client.exportSRTPKeyingMaterial(length: length)
        let serverMaterial = try server.exportSRTPKeyingMaterial(length: length)
        #expect(clientMaterial == serverMaterial)
        #expect(Set(clientMaterial).count > 8, "keying material is not a constant")

        func masterKey(_ material: [UInt8], client isClient: Bool) -> [UInt8] {
            let keyStart = isClient ? 0 : profile.keyLength
            let saltStart = 2 * profile.keyLength + (isClient ? 0 : profile.saltLength)
            return Array(material[keyStart..<(keyStart + profile.keyLength)] + material[saltStart..<(saltStart + profile.saltLength)])
        }

        // The client protects with its write key; the server unprotects with the client's key
        // taken from its own export. A packet from the server's key would not verify.
        let ssrc: UInt32 = 0xD7_150001
        let sender = try SRTPTestSession(suite: profile.suite, key: masterKey(clientMaterial, client: true), ssrc: ssrc, outbound: true)
        let receiver = try SRTPTestSession(suite: profile.suite, key: masterKey(serverMaterial, client: true), ssrc: ssrc, outbound: false)
        let wrong = try SRTPTestSession(suite: profile.suite, key: masterKey(serverMaterial, client: false), ssrc: ssrc, outbound: false)
        let plain = srtpTestPacket(sequenceNumber: 1, ssrc: ssrc)
        let (status, protected) = sender.protect(plain)
        #expect(status == srtp_err_status_ok)
        #expect(wrong.unprotect(protected).0 == srtp_err_status_auth_fail)
        let (unprotectStatus, decrypted) = receiver.unprotect(protected)
        #expect(unprotectStatus == srtp_err_status_ok)
        #expect(decrypted == plain)
    }
}
