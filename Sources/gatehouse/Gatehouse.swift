import ArgumentParser
import Foundation
import Gateway
import Logging

@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "SIP trunk gateway and back-to-back user agent.",
        subcommands: [Run.self, Check.self, RouteCommand.self, Status.self, Registrations.self, Calls.self, Reload.self, Trace.self, CallRecordsCommand.self, Bans.self, Version.self],
        defaultSubcommand: Run.self)
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("gatehouse \(GatewayVersion.current)") }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the gateway.")

    @Option(name: .shortAndLong, help: "The service configuration file (YAML). Without it, the embedded default.")
    var config: String?

    @Flag(help: "Print the embedded default configuration and exit.")
    var printDefaultConfig = false

    func run() async throws {
        if printDefaultConfig {
            print(GatewayConfiguration.embeddedDefaultYAML)
            return
        }
        let configuration: GatewayConfiguration
        do {
            if let config {
                let text = try String(contentsOfFile: config, encoding: .utf8)
                configuration = try GatewayConfiguration.parse(text, file: config)
            } else {
                configuration = try GatewayConfiguration.parse(GatewayConfiguration.embeddedDefaultYAML, file: "<embedded>")
            }
        } catch let errors as ConfigurationErrors {
            FileHandle.standardError.write(Data((errors.description + "\n").utf8))
            throw ExitCode(2)
        }
        // Before any output or event loop: glibc heap settings (may restart this process once).
        let heap = HeapTuning.reexecIfNeeded(environment: ProcessInfo.processInfo.environment)
        // Unbuffered: a script reads the listening lines while the service runs.
        let out = FileHandle.standardOutput
        out.write(Data("gatehouse \(GatewayVersion.current)\n\(configuration)\n".utf8))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "gatehouse")
        logger.debug("heap tuning", metadata: ["outcome": "\(heap)"])
        do throws(GatewayService.StartError) {
            let service = try GatewayService(configuration: configuration, logger: logger)
            try await service.run { listeners in
                for listener in listeners {
                    let address = listener.localAddress.ipAddress ?? "?"
                    out.write(Data("listening \(listener.transport.rawValue.lowercased()) \(address):\(listener.port)\n".utf8))
                }
            } onAdminListening: { admin in
                out.write(Data("listening admin \(admin.address.ipAddress ?? "?"):\(admin.address.port ?? 0)\n".utf8))
                out.write(Data("admin token from \(admin.tokenOrigin)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("gatehouse: \(error)\n".utf8))
            throw ExitCode(error.isConfigurationError ? 2 : 1)
        }
    }
}

extension GatewayService.StartError {
    /// Operator input errors (the dial plan) exit 2, like configuration errors; the rest 1.
    var isConfigurationError: Bool {
        if case .dialPlan = self { return true }
        return false
    }
}
