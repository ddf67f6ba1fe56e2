/// Why a TLS certificate, key or trust-root file cannot be used. The service configuration turns
/// each case into a positioned error with a fix; a certificate reload logs it and keeps the
/// running certificate.
public enum SIPTLSFileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which file of a listener's set.
    public enum Role: String, Hashable, Sendable {
        case certificate, key, trustRoots = "CA"
    }

    /// The file does not exist.
    case missing(Role, path: String)
    /// The file exists but cannot be read (permissions, a directory).
    case unreadable(Role, path: String)
    /// The file holds no PEM certificate (or a damaged one).
    case invalidCertificate(Role, path: String)
    /// The file holds no PEM private key we can use (or an encrypted one).
    case invalidKey(path: String)
    /// The key is not the one the first certificate of the chain was issued for.
    case keyDoesNotMatchCertificate(key: String, certificate: String)

    /// The role of the file the error is about.
    public var role: Role {
        switch self {
        case .missing(let role, _), .unreadable(let role, _), .invalidCertificate(let role, _): role
        case .invalidKey, .keyDoesNotMatchCertificate: .key
        }
    }

    public var description: String {
        switch self {
        case .missing(let role, let path): "the \(role.rawValue) file \(path) does not exist"
        case .unreadable(let role, let path): "the \(role.rawValue) file \(path) cannot be read"
        case .invalidCertificate(let role, let path): "\(path) holds no PEM certificate (\(role.rawValue))"
        case .invalidKey(let path): "\(path) holds no usable PEM private key (unencrypted RSA or EC)"
        case .keyDoesNotMatchCertificate(let key, let certificate): "the key \(key) does not match the certificate \(certificate)"
        }
    }
}
