import ArgumentParser
import Foundation
import Gateway

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a dial plan: every error with file:line:column and its fix.",
        discussion: "Exits 0 and prints a one-line summary when the plan is valid, 1 otherwise.")

    @Argument(help: "The dial-plan file (YAML).")
    var file: String?

    @Flag(help: "Print the dial plan's JSON Schema and exit.")
    var printSchema = false

    func validate() throws {
        if file == nil && !printSchema { throw ValidationError("give the dial-plan FILE to check") }
    }

    func run() throws {
        if printSchema { return print(DialPlanTools.schema(), terminator: "") }
        try emit(DialPlanTools.check(path: file ?? ""))
    }
}
