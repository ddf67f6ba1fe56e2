import ArgumentParser
import Foundation
import Gateway

@main
struct Gatehouse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "SIP trunk gateway and back-to-back user agent.",
        subcommands: [Run.self, Check.self, RouteCommand.self, Version.self],
        defaultSubcommand: Run.self)
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("gatehouse \(GatewayVersion.current)") }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the gateway.")

    @Option(name: .shortAndLong, help: "The service configuration file (YAML). Without it, the embedded default.")
    var config: String?

    @Flag(help: "Print the embedded default configuration and exit.")
    var printDefaultConfig = false

    func run() throws {
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
        print("gatehouse \(GatewayVersion.current)")
        print(configuration)
    }
}
