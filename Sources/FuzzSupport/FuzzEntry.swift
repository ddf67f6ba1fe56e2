// The libFuzzer entry and replay scaffolding shared by the fuzzing executables (SIPCoreFuzz,
// GatehouseFuzz). Recipe: ../shared/design/C-LIBRARIES.md, "Fuzzing with libFuzzer from SwiftPM".
//
// The fuzz build (scripts/fuzz) passes `-DSIPCORE_FUZZING` or `-DGATEHOUSE_FUZZING` to every
// module of the product, this one included: it then gets the libFuzzer driver and no Foundation.
// The plain build gets the replay tool instead.

/// The named fuzz targets of one fuzzing executable: each runs one input through its harness,
/// which traps only when the code under test breaks a promise.
public protocol FuzzTargetSet: CaseIterable, RawRepresentable, Sendable where RawValue == String {
    /// Runs one input.
    func run(_ input: [UInt8])
}

/// Entry points shared by the fuzzing executables. Each executable keeps only its own
/// `@_cdecl("<TargetName>_main")` (SwiftPM links that name as its entry point), which calls
/// ``main(_:_:environment:default:)``; `LLVMFuzzerTestOneInput` is exported here.
public enum FuzzEntry {
    /// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput` (`data` is nil when `size` is 0).
    static func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }
}

#if SIPCORE_FUZZING || GATEHOUSE_FUZZING
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The input runner `main` installs before libFuzzer starts (set once, then only read).
nonisolated(unsafe) private var runInput: ([UInt8]) -> Void = { _ in }

/// libFuzzer's callback: runs one input through the target `FuzzEntry.main` chose.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    runInput(FuzzEntry.input(data, size))
    return 0
}

extension FuzzEntry {
    /// The target named by the environment variable `variable`, or `fallback` when it is unset.
    /// An unknown name is the operator's mistake in the fuzz run: it stops the run at once.
    static func target<Target: FuzzTargetSet>(environment variable: String, default fallback: Target) -> Target {
        guard let name = getenv(variable) else { return fallback }
        guard let target = Target(rawValue: String(cString: name)) else {
            fatalError("\(variable) must be one of \(Target.allCases.map(\.rawValue))")
        }
        return target
    }

    /// The body of the executable's `<TargetName>_main`: picks the target named by the
    /// environment variable `variable` (default `fallback`), then hands argc/argv to libFuzzer,
    /// which calls `LLVMFuzzerTestOneInput` once per input.
    public static func main<Target: FuzzTargetSet>(
        _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        environment variable: String, default fallback: Target
    ) -> Int32 {
        let target = self.target(environment: variable, default: fallback)
        runInput = { target.run($0) }
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
    }
}

#else
import Foundation

extension FuzzEntry {
    /// The plain build's replay tool: `[TARGET] FILE...` runs each file through `TARGET` (or
    /// `fallback` when the first argument names none); without files it prints `usage`.
    public static func replay<Target: FuzzTargetSet>(default fallback: Target, usage: String) throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var target = fallback
        if let first = arguments.first, let named = Target(rawValue: first) {
            target = named
            arguments.removeFirst()
        }
        guard !arguments.isEmpty else {
            print("usage: \(usage)   (replays inputs; fuzz with scripts/fuzz)")
            return
        }
        for path in arguments {
            target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("\(target.rawValue): \(path) ok")
        }
    }
}
#endif
