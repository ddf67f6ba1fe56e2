import ArgumentParser
import Foundation
import Gateway

/// Prints a tool's output and exits with its status.
func emit(_ output: ToolOutput) throws {
    print(output.standardOutput, terminator: "")
    FileHandle.standardError.write(Data(output.standardError.utf8))
    if output.exitCode != 0 { throw ExitCode(output.exitCode) }
}
