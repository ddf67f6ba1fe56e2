import AdminAPI
import ArgumentParser
import Foundation
import Gateway

/// How the operator commands reach the admin API: `--admin HOST:PORT` and `--token`, or what the
/// service configuration says (its admin address, its token, or the token file in its data directory).
struct AdminOptions: ParsableArguments {
    @Option(help: "The admin API as HOST:PORT (default: the configuration's admin address and port).")
    var admin: String?

    @Option(help: "The bearer token (default: --token-file, $\(AdminToken.environmentVariable), the configuration, or DATA_DIR/\(AdminToken.fileName)).")
    var token: String?

    @Option(help: "A file holding the bearer token.")
    var tokenFile: String?

    @Option(name: .shortAndLong, help: "The service configuration file `gatehouse run` uses (default: the embedded one).")
    var config: String?

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    /// The configuration named by `--config`, or the embedded default.
    func configuration() throws -> GatewayConfiguration {
        do {
            guard let config else { return GatewayConfiguration.embeddedDefault() }
            return try GatewayConfiguration.parse(try String(contentsOfFile: config, encoding: .utf8), file: config)
        } catch let errors as ConfigurationErrors {
            throw CommandFailure(errors.description, exitCode: 2)
        } catch {
            throw CommandFailure("cannot read \(config ?? "the configuration"): \(error.localizedDescription)", exitCode: 2)
        }
    }

    /// A client for the resolved address and token.
    func client() throws -> AdminClient {
        let environment = ProcessInfo.processInfo.environment
        var configuration: GatewayConfiguration?
        func loaded() throws -> GatewayConfiguration {
            if let configuration { return configuration }
            let value = try self.configuration()
            configuration = value
            return value
        }
        let host: String
        let port: Int
        if let admin {
            guard let colon = admin.lastIndex(of: ":"), let value = Int(admin[admin.index(after: colon)...]), (1...65535).contains(value) else {
                throw CommandFailure("--admin wants HOST:PORT, e.g. 127.0.0.1:8060", exitCode: 2)
            }
            host = String(admin[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            port = value
        } else {
            let config = try loaded()
            guard config.adminPort != 0 else {
                throw CommandFailure("the configuration's admin port is 0 (ephemeral): pass --admin HOST:PORT as `gatehouse run` printed it (`listening admin ...`)", exitCode: 2)
            }
            host = config.adminAddress
            port = config.adminPort
        }
        let resolved: String
        if let token {
            resolved = token
        } else if let tokenFile {
            guard let value = AdminToken.read(path: tokenFile) else { throw CommandFailure("cannot read a token from \(tokenFile)", exitCode: 2) }
            resolved = value
        } else if let value = environment[AdminToken.environmentVariable], !value.isEmpty {
            resolved = value
        } else {
            let config = try loaded()
            if let value = config.adminToken {
                resolved = value
            } else {
                let path = AdminToken.filePath(dataDirectory: config.dataDirectory)
                guard let value = AdminToken.read(path: path) else {
                    throw CommandFailure("no admin token: pass --token or --token-file, set $\(AdminToken.environmentVariable), or run where \(path) is readable", exitCode: 2)
                }
                resolved = value
            }
        }
        return AdminClient(host: host, port: port, token: resolved)
    }

    /// Sends one request; a non-2xx answer becomes a failure with the API's message.
    func send(_ method: AdminClient.Method, _ path: String, body: [UInt8]? = nil, accept: Set<Int> = []) async throws -> AdminClient.Response {
        let client = try client()
        let response: AdminClient.Response
        do { response = try await client.send(method, path, body: body) } catch {
            throw CommandFailure("\(error)", exitCode: 1)
        }
        guard (200..<300).contains(response.status) || accept.contains(response.status) else {
            throw CommandFailure("admin API: \(response.status) \(response.errorMessage)", exitCode: 1)
        }
        return response
    }

    /// Prints the JSON body, or the text `render` makes of the decoded value.
    func show<T: Decodable>(_ response: AdminClient.Response, as type: T.Type, render: (T) -> String) throws {
        if json {
            FileHandle.standardOutput.write(Data(response.body))
            return
        }
        let value: T
        do { value = try AdminJSON.decoder.decode(T.self, from: Data(response.body)) } catch {
            throw CommandFailure("admin API: unexpected answer: \(error)", exitCode: 1)
        }
        FileHandle.standardOutput.write(Data(render(value).utf8))
    }
}

/// A message for standard error and an exit status.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    var exitCode: Int32

    init(_ description: String, exitCode: Int32) {
        self.description = description
        self.exitCode = exitCode
    }
}

extension CommandFailure {
    /// Prints the message and exits with the status.
    static func report(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("gatehouse: \(failure.description)\n".utf8))
            throw ExitCode(failure.exitCode)
        }
    }
}
