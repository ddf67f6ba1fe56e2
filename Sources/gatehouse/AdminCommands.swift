import AdminAPI
import ArgumentParser
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show registrations, trunks, calls in progress, the dial-plan version and uptime.")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await CommandFailure.report {
            try options.show(try await options.send(.get, "/status"), as: AdminStatus.self, render: AdminText.status)
        }
    }
}

struct Registrations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the current registrations (bindings).")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await CommandFailure.report {
            try options.show(try await options.send(.get, "/registrations"), as: [AdminRegistration].self, render: AdminText.registrations)
        }
    }
}

struct Calls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the calls in progress, or show one call's timeline.")
    @OptionGroup var options: AdminOptions

    @Argument(help: "A call id (any leg's Call-ID; in progress or one of the last 200 ended): show that call with its timeline.")
    var id: String?

    func run() async throws {
        try await CommandFailure.report {
            guard let id else {
                try options.show(try await options.send(.get, "/calls"), as: [AdminCall].self) { AdminText.calls($0) }
                return
            }
            try options.show(try await options.send(.get, "/calls/\(Self.escape(id))"), as: AdminCall.self) { call in
                AdminText.call(call)
            }
        }
    }

    /// A Call-ID as one path segment (RFC 3986 §3.3).
    static func escape(_ id: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }
}

struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload the dial plan of the running gateway (as SIGHUP does).",
        discussion: "Exits 1 when the new plan has errors: they are printed, and the running version stays.")
    @OptionGroup var options: AdminOptions

    func run() async throws {
        try await CommandFailure.report {
            let response = try await options.send(.post, "/reload", accept: [422])
            try options.show(response, as: AdminReloadResult.self, render: AdminText.reload)
            if response.status == 422 { throw CommandFailure("the dial plan was not applied", exitCode: 1) }
        }
    }
}

struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a call's SIP messages as a pcap file (for Wireshark, tshark, sngrep).",
        discussion: "Example: gatehouse trace 3848276298220188511@192.0.2.10 > call.pcap")
    @OptionGroup var options: AdminOptions

    @Argument(help: "The call's Call-ID (any leg's).")
    var callID: String

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        try await CommandFailure.report {
            if output == nil, isatty(STDOUT_FILENO) != 0 {
                throw CommandFailure("a pcap is binary: redirect standard output (> call.pcap) or pass --output", exitCode: 2)
            }
            let response = try await options.send(.get, "/calls/\(Calls.escape(callID))/pcap")
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(response.body)) else {
                    throw CommandFailure("cannot write \(output)", exitCode: 1)
                }
            } else {
                FileHandle.standardOutput.write(Data(response.body))
            }
        }
    }
}
