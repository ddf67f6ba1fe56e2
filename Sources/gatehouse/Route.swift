import ArgumentParser

struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Ask the dial plan how it routes a call.", subcommands: [Explain.self])
}
