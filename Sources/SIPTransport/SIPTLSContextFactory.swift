#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOSSL

/// Builds the NIOSSL contexts for TLS listeners and outbound connections under ``SIPTLSPolicy``,
/// checking the files first so that each problem is named (missing, unreadable, not PEM, key not
/// matching the certificate) instead of surfacing as a bare BoringSSL error.
public enum SIPTLSContextFactory {
    /// Checks a listener's files and builds its context. The gateway calls this when it reads its
    /// configuration (to report errors with their position) and on every certificate reload.
    public static func serverContext(_ tls: SIPTLSServerConfiguration) throws(SIPTLSFileError) -> NIOSSLContext {
        let chain = try certificates(tls.certificateChainFile, role: .certificate)
        let key = try privateKey(tls.privateKeyFile)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        SIPTLSPolicy.apply(to: &configuration)
        switch tls.clientCertificates {
        case .none:
            configuration.certificateVerification = .none
        case .required(let trustRootsFile):
            configuration.certificateVerification = .noHostnameVerification
            if let trustRootsFile {
                configuration.trustRoots = .certificates(try certificates(trustRootsFile, role: .trustRoots))
                configuration.sendCANameList = true
            } else {
                configuration.trustRoots = .default
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            // Both files loaded on their own: BoringSSL refuses a key that does not belong to
            // the leaf certificate (SSL_CTX_use_PrivateKey checks the pair).
            throw .keyDoesNotMatchCertificate(key: tls.privateKeyFile, certificate: tls.certificateChainFile)
        }
    }

    /// The context for outbound connections.
    static func clientContext(_ tls: SIPTLSClientConfiguration) throws(SIPTLSFileError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        SIPTLSPolicy.apply(to: &configuration)
        configuration.certificateVerification = tls.verifyHostname ? .fullVerification : .noHostnameVerification
        if let trustRootsFile = tls.trustRootsFile {
            configuration.trustRoots = .certificates(try certificates(trustRootsFile, role: .trustRoots))
        } else {
            configuration.trustRoots = .default
        }
        var pair: (certificate: String, key: String)?
        if let chainFile = tls.certificateChainFile, let keyFile = tls.privateKeyFile {
            configuration.certificateChain = try certificates(chainFile, role: .certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try privateKey(keyFile))
            pair = (chainFile, keyFile)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            guard let pair else { throw .invalidCertificate(.trustRoots, path: tls.trustRootsFile ?? "the system trust store") }
            throw .keyDoesNotMatchCertificate(key: pair.key, certificate: pair.certificate)
        }
    }

    /// The certificates in a PEM file, at least one.
    public static func certificates(_ path: String, role: SIPTLSFileError.Role) throws(SIPTLSFileError) -> [NIOSSLCertificate] {
        try checkReadable(path, role: role)
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(path) } catch { throw .invalidCertificate(role, path: path) }
        guard !chain.isEmpty else { throw .invalidCertificate(role, path: path) }
        return chain
    }

    static func privateKey(_ path: String) throws(SIPTLSFileError) -> NIOSSLPrivateKey {
        try checkReadable(path, role: .key)
        do { return try NIOSSLPrivateKey(file: path, format: .pem) } catch { throw .invalidKey(path: path) }
    }

    /// Missing and unreadable files are told apart (a permissions mistake after a renewal is the
    /// usual cause of the second).
    static func checkReadable(_ path: String, role: SIPTLSFileError.Role) throws(SIPTLSFileError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .missing(role, path: path) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .unreadable(role, path: path) }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(role, path: path) }
        close(descriptor)
    }
}
