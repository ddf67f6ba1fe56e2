import Foundation

/// Real certificates made at test time with the openssl command: a CA, server certificates
/// for `localhost` and for 127.0.0.1/::1 signed by it, a client certificate signed by it, and an
/// unrelated CA (for verification that must fail).
struct TestPKI: Sendable {
    let directory: String
    var caFile: String { directory + "/ca.pem" }
    var otherCAFile: String { directory + "/other-ca.pem" }
    var serverCertificateFile: String { directory + "/server.pem" }
    var serverKeyFile: String { directory + "/server.key" }
    /// A server certificate naming only IP addresses (127.0.0.1, ::1).
    var ipServerCertificateFile: String { directory + "/ipserver.pem" }
    var ipServerKeyFile: String { directory + "/ipserver.key" }
    var clientCertificateFile: String { directory + "/client.pem" }
    var clientKeyFile: String { directory + "/client.key" }

    /// Made once per test process.
    static let shared: Result<TestPKI, PKIError> = Result { () throws(PKIError) in try make() }

    struct PKIError: Error, CustomStringConvertible {
        let description: String
    }

    static func make() throws(PKIError) -> TestPKI {
        let directory = NSTemporaryDirectory() + "gatehouse-pki-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PKIError(description: "cannot create \(directory): \(error)")
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try openssl(["req", "-x509"] + ec + [
                "-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "2", "-subj", "/CN=Gatehouse Test \(ca)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: directory)
        }
        let leaves = [
            // Names only: NIOSSL accepts an IP SAN that matches the connected address whatever
            // name was asked for, so a name check needs a certificate without IP SANs.
            ("server", "/CN=localhost", "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n"),
            ("ipserver", "/CN=gatehouse-ip", "subjectAltName=IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n"),
            ("client", "/CN=client.test", "subjectAltName=DNS:client.test\nextendedKeyUsage=clientAuth\n"),
        ]
        for (name, subject, extensions) in leaves {
            try openssl(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: directory)
            let extFile = directory + "/\(name).ext"
            let text = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n" + extensions
            guard FileManager.default.createFile(atPath: extFile, contents: Data(text.utf8)) else {
                throw PKIError(description: "cannot write \(extFile)")
            }
            try openssl([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
            ], in: directory)
        }
        return TestPKI(directory: directory)
    }

    private static func openssl(_ arguments: [String], in directory: String) throws(PKIError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PKIError(description: "cannot run openssl: \(error)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(description: "openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: output, as: UTF8.self))")
        }
    }
}
