import Foundation
import SIPTransport
import Testing
@testable import Gateway

/// `listen:` entries with `transport: tls`: files checked when the configuration is read, each
/// problem reported at its key.
@Suite struct TLSConfigurationTests {
    /// Two self-signed certificates with their keys, made by openssl once per test process.
    struct Files: Sendable {
        let directory: String
        var certificate: String { directory + "/a.pem" }
        var key: String { directory + "/a.key" }
        var otherKey: String { directory + "/b.key" }

        static let shared: Result<Files, Failure> = Result { () throws(Failure) in try make() }

        struct Failure: Error { let description: String }

        static func make() throws(Failure) -> Files {
            let directory = NSTemporaryDirectory() + "gatehouse-tlsconf-\(getpid())"
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw Failure(description: "\(error)")
            }
            for name in ["a", "b"] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                     "-nodes", "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).pem",
                                     "-days", "2", "-subj", "/CN=\(name).gatehouse.test"]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                do { try process.run() } catch { throw Failure(description: "cannot run openssl: \(error)") }
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw Failure(description: "openssl req failed") }
            }
            return Files(directory: directory)
        }
    }

    private func errors(_ text: String) -> [String] {
        do { _ = try GatewayConfiguration.parse(text, file: "gw.yaml") } catch {
            return (error as? ConfigurationErrors)?.errors.map(\.description) ?? ["\(error)"]
        }
        return []
    }

    @Test func aTLSListenerWithItsFilesIsRead() throws {
        let files = try Files.shared.get()
        let config = try GatewayConfiguration.parse("""
            listen:
              - { transport: udp, address: 127.0.0.1, port: 0 }
              - transport: tls
                address: 127.0.0.1
                tls: { certificate: \(files.certificate), key: \(files.key), client_ca: \(files.certificate) }
            """, file: "gw.yaml")
        let tls = try #require(config.listeners.last)
        #expect(tls.transport == .tls)
        #expect(tls.port == 5061)
        #expect(tls.tls == GatewayConfiguration.TLSFiles(certificate: files.certificate, key: files.key, clientCA: files.certificate))
        #expect(tls.tls?.serverConfiguration.clientCertificates == .required(trustRootsFile: files.certificate))
        #expect(config.description.contains("listen      tls 127.0.0.1:5061 certificate \(files.certificate)"))
    }

    @Test func outboundTLSTrustAndIdentity() throws {
        let files = try Files.shared.get()
        let config = try GatewayConfiguration.parse("""
            listen: [{ transport: udp, port: 0 }]
            tls_client: { ca: \(files.certificate), verify_hostname: false, certificate: \(files.certificate), key: \(files.key) }
            """, file: "gw.yaml")
        #expect(config.tlsClient.transportConfiguration == SIPTLSClientConfiguration(
            trustRootsFile: files.certificate, verifyHostname: false, certificateChainFile: files.certificate, privateKeyFile: files.key))
        #expect(GatewayConfiguration.embeddedDefault().tlsClient.transportConfiguration == SIPTLSClientConfiguration())
        let lines = errors("""
            listen: [{ transport: udp, port: 0 }]
            tls_client: { ca: \(files.key), certificate: \(files.certificate), key: \(files.otherKey) }
            """)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("gw.yaml:2:19: error: \(files.key) holds no PEM certificate (CA)") == true)
        #expect(lines.last?.contains("does not match the certificate") == true)
        #expect(errors("""
            listen: [{ transport: udp, port: 0 }]
            tls_client: { certificate: \(files.certificate) }
            """).first?.contains("needs both 'certificate' and 'key'") == true)
    }

    @Test func theEmbeddedDefaultHasNoTLS() {
        #expect(GatewayConfiguration.embeddedDefault().listeners.map(\.transport) == [.udp, .tcp])
        #expect(GatewayConfiguration.embeddedDefault().listeners.allSatisfy { $0.tls == nil })
    }

    @Test func eachFileProblemIsReportedAtItsKey() throws {
        let files = try Files.shared.get()
        let lines = errors("""
            listen:
              - { transport: tls, port: 0, tls: { certificate: \(files.directory)/missing.pem, key: \(files.key) } }
              - { transport: tls, port: 0, tls: { certificate: \(files.certificate), key: \(files.otherKey) } }
              - { transport: tls, port: 0, tls: { certificate: \(files.key), key: \(files.key) } }
              - { transport: tls, port: 0, tls: { certificate: \(files.certificate), key: \(files.directory) } }
              - { transport: tls, port: 0, tls: { certificate: \(files.certificate), key: \(files.key), client_ca: \(files.key) } }
              - { transport: tls, port: 0 }
              - { transport: tcp, port: 0, tls: { certificate: a, key: b } }
              - { transport: tls, port: 0, tls: { certificate: \(files.certificate), kye: x } }
            """)
        #expect(lines.count == 9)
        guard lines.count == 9 else { return }
        #expect(lines[0].hasPrefix("gw.yaml:2:52: error: the certificate file \(files.directory)/missing.pem does not exist"))
        #expect(lines[1].hasPrefix("gw.yaml:3:") && lines[1].contains("error: the key \(files.otherKey) does not match the certificate"))
        #expect(lines[1].contains("openssl pkey -pubout"))
        #expect(lines[2].hasPrefix("gw.yaml:4:52: error: \(files.key) holds no PEM certificate"))
        #expect(lines[3].hasPrefix("gw.yaml:5:") && lines[3].contains("error: the key file \(files.directory) cannot be read"))
        #expect(lines[4].contains("error: \(files.key) holds no PEM certificate (CA)"))
        #expect(lines[5].hasPrefix("gw.yaml:7:5: error: a TLS listener needs its certificate and key"))
        #expect(lines[6].hasPrefix("gw.yaml:8:37: error: 'tls' belongs to a listener with `transport: tls`"))
        #expect(lines[7].contains("unknown key 'kye'") && lines[7].contains("did you mean 'key'?"))
        #expect(lines[8].contains("error: a TLS listener needs 'key'"))
    }
}
