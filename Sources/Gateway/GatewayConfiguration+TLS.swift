import OperatorInput
import SIPTransport
import Yams

extension GatewayConfiguration {
    /// A TLS listener's files (RFC 3261 §26.2: SIP over TLS, `sips:`), read when the configuration
    /// is read and again on SIGHUP:
    ///
    ///     listen:
    ///       - transport: tls
    ///         address: 0.0.0.0
    ///         port: 5061
    ///         tls:
    ///           certificate: /etc/gatehouse/tls/fullchain.pem   # PEM chain, leaf first
    ///           key: /etc/gatehouse/tls/privkey.pem             # unencrypted PEM key
    ///           client_ca: /etc/gatehouse/tls/clients.pem       # optional: clients must present
    ///                                                          # a certificate signed by it
    ///
    /// Relative paths are taken from the working directory, like `dial_plan`.
    public struct TLSFiles: Sendable, Equatable {
        public var certificate: String
        public var key: String
        /// When set, clients must present a certificate that chains to one in this file.
        public var clientCA: String?

        public init(certificate: String, key: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.key = key
            self.clientCA = clientCA
        }

        /// The transport's view of these files.
        public var serverConfiguration: SIPTLSServerConfiguration {
            SIPTLSServerConfiguration(
                certificateChainFile: certificate, privateKeyFile: key,
                clientCertificates: clientCA.map { .required(trustRootsFile: $0) } ?? .none)
        }
    }
}

extension NodeReader {
    static let listenerTLSKeys = ["certificate", "key", "client_ca"]

    /// Reads and checks a listener's `tls:` mapping: every file must exist, be readable and hold
    /// PEM, and the key must belong to the certificate. Each problem is reported at its key.
    mutating func listenerTLS(_ node: Node) -> GatewayConfiguration.TLSFiles? {
        guard let map = mapping(node, what: "tls") else { return nil }
        rejectUnknownKeys(map, known: Self.listenerTLSKeys)
        let certificate = string(map["certificate"], key: "certificate")
        let key = string(map["key"], key: "key")
        let clientCA = string(map["client_ca"], key: "client_ca")
        for (name, value) in [("certificate", certificate), ("key", key)] where value == nil && map[name] == nil {
            error(at: node, "a TLS listener needs '\(name)'",
                  fix: "add `\(name): /path/to/\(name == "key" ? "privkey" : "fullchain").pem`")
        }
        guard let certificate, let key else { return nil }
        let files = GatewayConfiguration.TLSFiles(certificate: certificate, key: key, clientCA: clientCA)
        do {
            _ = try SIPTLSContextFactory.serverContext(files.serverConfiguration)
        } catch {
            let at: Node
            switch error.role {
            case .certificate: at = map["certificate"] ?? node
            case .key: at = map["key"] ?? node
            case .trustRoots: at = map["client_ca"] ?? node
            }
            self.error(at: at, error.description, fix: Self.fix(for: error))
            return nil
        }
        return files
    }

    static func fix(for error: SIPTLSFileError) -> String {
        switch error {
        case .missing: "check the path (a relative path starts from the working directory)"
        case .unreadable: "make it a regular file the gateway's user can read (chgrp/chmod after a renewal)"
        case .invalidCertificate: "give a PEM file of certificates (-----BEGIN CERTIFICATE-----), leaf first, then intermediates"
        case .invalidKey: "give the unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)"
        case .keyDoesNotMatchCertificate:
            "give the key the certificate was issued for (`openssl x509 -noout -pubkey` and `openssl pkey -pubout` must agree)"
        }
    }
}
