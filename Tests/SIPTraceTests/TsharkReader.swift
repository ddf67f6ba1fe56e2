import Foundation
import Testing

/// Runs tshark over a pcap file and returns one row of fields per dissected packet.
///
/// tshark is installed by scripts/setup; a missing tshark is a test failure, not a skip.
enum TsharkReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let candidates = ["/usr/bin/tshark", "/usr/local/bin/tshark", "/opt/homebrew/bin/tshark"]

    static func executable() throws -> String {
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "tshark not found (looked in \(candidates)); install it with scripts/setup (apt package tshark)")
        }
        return path
    }

    /// Writes `pcap` to a temporary file and returns tshark's `-T fields` rows, split on `|`.
    static func fields(of pcap: [UInt8], _ fields: [String], extraArguments: [String] = []) throws -> [[String]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("siptrace-\(UUID().uuidString).pcap")
        try Data(pcap).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        // -n: no name resolution; -E fixes the separator; running as root only prints a warning on stderr.
        process.arguments = ["-n", "-r", url.path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"]
            + fields.flatMap { ["-e", $0] } + extraArguments
        var environment = ProcessInfo.processInfo.environment
        environment["WIRESHARK_RUN_FROM_BUILD_DIRECTORY"] = nil
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "tshark exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        let text = String(decoding: stdout, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
