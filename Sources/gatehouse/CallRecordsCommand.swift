import AdminAPI
import ArgumentParser
import Foundation

struct CallRecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cdrs",
        abstract: "List call detail records, newest first (a table, --json or --csv).",
        discussion: "Example: gatehouse cdrs --from 2026-11-22T00:00:00Z --outcome answered --csv > calls.csv")
    @OptionGroup var options: AdminOptions

    @Option(help: "Calls started at or after this time (ISO 8601 or Unix seconds).")
    var from: String?
    @Option(help: "Calls started before this time (ISO 8601 or Unix seconds).")
    var until: String?
    @Option(help: "The caller's name, exactly.")
    var caller: String?
    @Option(help: "The called number, exactly.")
    var called: String?
    @Option(help: "answered, abandoned, failed, in_progress or interrupted.")
    var outcome: String?
    @Option(help: "At most this many records (1-\(AdminCallRecordQuery.maximumLimit)).")
    var limit = AdminCallRecordQuery.defaultLimit
    @Flag(help: "Print CSV (RFC 4180) instead of a table.")
    var csv = false

    func validate() throws {
        if csv && options.json { throw ValidationError("--csv and --json exclude each other") }
        guard (1...AdminCallRecordQuery.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be from 1 to \(AdminCallRecordQuery.maximumLimit)")
        }
        for (name, value) in [("--from", from), ("--until", until)] {
            if let value { do { _ = try AdminCallRecordQuery.time(value, name) } catch { throw ValidationError("\(error)") } }
        }
    }

    func run() async throws {
        try await CommandFailure.report {
            let query = AdminCallRecordQuery(from: try from.map { try AdminCallRecordQuery.time($0) },
                                             until: try until.map { try AdminCallRecordQuery.time($0) },
                                             caller: caller, called: called, outcome: outcome, limit: limit)
            var path = "/cdrs" + query.queryString
            if csv {
                path += (path.contains("?") ? "&" : "?") + "format=csv"
                FileHandle.standardOutput.write(Data(try await options.send(.get, path).body))
                return
            }
            try options.show(try await options.send(.get, path), as: [AdminCallRecord].self, render: AdminText.callRecords)
        }
    }
}

struct Bans: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the active bans, or lift one (`gatehouse bans lift ADDRESS`).",
        subcommands: [List.self, Lift.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the active bans.")
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await CommandFailure.report {
                try options.show(try await options.send(.get, "/bans"), as: [AdminBan].self) { AdminText.bans($0) }
            }
        }
    }

    struct Lift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift the ban on a source address.",
                                                        discussion: "Exits 1 when the address is not banned.")
        @OptionGroup var options: AdminOptions

        @Argument(help: "The banned IPv4 or IPv6 address.")
        var address: String

        func run() async throws {
            try await CommandFailure.report {
                let response = try await options.send(.delete, "/bans/\(Calls.escape(address))")
                try options.show(response, as: AdminBanLift.self) { "lifted the ban on \($0.source)\n" }
            }
        }
    }
}
