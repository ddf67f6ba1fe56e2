import ArgumentParser
import Gateway

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the decision trace for one call, with the plan line of each rule.",
        discussion: """
            Example: gatehouse route explain --from front-door --to 101 --offline alice --outcome carrier=503 \
            --at 2026-11-22T18:00
            """)

    @Option(name: .shortAndLong, help: "The dial-plan file.")
    var plan = "dialplans/example.yaml"

    @Option(help: "The caller: an endpoint or trunk name, or a source address.")
    var from: String

    @Option(help: "The dialled number.")
    var to: String

    @Option(help: "The caller's number, for calls from a trunk.")
    var callerNumber: String?

    @Option(help: "An endpoint with no registration, or a trunk that is down (repeatable).")
    var offline: [String] = []

    @Option(help: "A simulated outcome, NAME=OUTCOME: alice=no_answer, carrier=503 (repeatable).")
    var outcome: [String] = []

    @Option(help: "The time of the call, e.g. 2026-11-22T18:00, in the plan's time zone (default: now).")
    var at: String?

    @Flag(help: "Print JSON for tools.")
    var json = false

    func run() throws {
        try emit(DialPlanTools.explain(path: plan, from: from, to: to, callerNumber: callerNumber, offline: offline,
                                       outcomes: outcome, at: at, json: json))
    }
}
