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

extension GatewayConfiguration {
    /// Outbound TLS (trunks with `transport: tls`): whom to trust, whether the name is checked,
    /// and our certificate for carriers that want mutual TLS.
    ///
    ///     tls_client:
    ///       ca: /etc/gatehouse/tls/carrier-ca.pem   # default: the system trust store
    ///       verify_hostname: true                   # false: the chain is still verified
    ///       certificate: /etc/gatehouse/tls/client.pem
    ///       key: /etc/gatehouse/tls/client.key
    public struct TLSClient: Sendable, Equatable {
        public var ca: String?
        public var verifyHostname = true
        public var certificate: String?
        public var key: String?

        public init() {}

        /// The transport's view of these settings.
        public var transportConfiguration: SIPTLSClientConfiguration {
            SIPTLSClientConfiguration(trustRootsFile: ca, verifyHostname: verifyHostname,
                                      certificateChainFile: certificate, privateKeyFile: key)
        }
    }
}

extension NodeReader {
    static let listenerTLSKeys = ["certificate", "key", "client_ca"]
    static let clientTLSKeys = ["ca", "verify_hostname", "certificate", "key"]

    /// Reads and checks `tls_client:`; each file problem is reported at its key.
    mutating func clientTLS(_ node: Node) -> GatewayConfiguration.TLSClient {
        var client = GatewayConfiguration.TLSClient()
        guard let map = mapping(node, what: "tls_client") else { return client }
        rejectUnknownKeys(map, known: Self.clientTLSKeys)
        client.verifyHostname = bool(map["verify_hostname"], key: "verify_hostname") ?? true
        if let caNode = map["ca"], let ca = string(caNode, key: "ca") {
            do { _ = try SIPTLSContextFactory.certificates(ca, role: .trustRoots) } catch {
                self.error(at: caNode, error.description, fix: Self.fix(for: error))
            }
            client.ca = ca
        }
        let certificate = string(map["certificate"], key: "certificate")
        let key = string(map["key"], key: "key")
        switch (certificate, key) {
        case (let certificate?, let key?):
            // The pair is checked like a listener's (a context built from it).
            do { _ = try SIPTLSContextFactory.serverContext(SIPTLSServerConfiguration(certificateChainFile: certificate, privateKeyFile: key)) }
            catch {
                self.error(at: (error.role == .key ? map["key"] : map["certificate"]) ?? node, error.description, fix: Self.fix(for: error))
            }
            client.certificate = certificate
            client.key = key
        case (nil, nil):
            break
        default:
            error(at: node, "a client certificate needs both 'certificate' and 'key'", fix: "give both, or neither")
        }
        return client
    }

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
