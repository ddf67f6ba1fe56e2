import Foundation

/// The admin API's bearer token (RFC 6750 §2.1): from the configuration, else from the
/// `GATEHOUSE_ADMIN_TOKEN` environment variable, else from `<data directory>/admin.token`,
/// generated there (32 random bytes as hex, mode 0600) on first start.
public enum AdminToken {
    /// The environment variable that supplies the token.
    public static let environmentVariable = "GATEHOUSE_ADMIN_TOKEN"
    /// The token file's name in the data directory.
    public static let fileName = "admin.token"

    /// Where the token came from, for the startup log and the CLI.
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        case configuration
        case environment
        case file(String)
        case generated(String)

        public var description: String {
            switch self {
            case .configuration: "the configuration"
            case .environment: "$\(AdminToken.environmentVariable)"
            case .file(let path): path
            case .generated(let path): "\(path) (generated)"
            }
        }
    }

    /// Why no token could be had.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The token file's path in `dataDirectory`.
    public static func filePath(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(fileName)
    }

    /// Resolves the token the service uses, generating the file when nothing else gives one.
    public static func resolve(configured: String?, dataDirectory: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) -> (token: String, origin: Origin) {
        if let configured, !configured.isEmpty { return (configured, .configuration) }
        if let value = environment[environmentVariable], !value.isEmpty { return (value, .environment) }
        let path = filePath(dataDirectory: dataDirectory)
        if let existing = read(path: path) { return (existing, .file(path)) }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw Failure(description: "cannot write \(path)")
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot create \(dataDirectory): \(error.localizedDescription)")
        }
        return (token, .generated(path))
    }

    /// The first line of a token file, or `nil` when it is missing or empty.
    public static func read(path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return line.isEmpty ? nil : line
    }

    /// Compares two tokens in time that depends only on their lengths.
    static func matches(_ offered: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        guard offered.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(offered, expected) { difference |= a ^ b }
        return difference == 0
    }
}
