// Entry points of the SIPCoreFuzz executable.
//
// Fuzz build (scripts/fuzz, recipe in ../shared/design/C-LIBRARIES.md): compiled with
// `-sanitize=fuzzer,address -parse-as-library -use-ld=lld -DSIPCORE_FUZZING`; SwiftPM links the
// entry point as `SIPCoreFuzz_main`, which hands argc/argv to libFuzzer. The target comes from
// the environment variable SIPCORE_FUZZ_TARGET (message, stream or uri; default message).
//
// Plain build (`swift build`): a replay tool that runs files through the same harness:
//   swift run SIPCoreFuzz [message|stream|uri] FILE...

import FuzzSupport

extension FuzzTarget: FuzzTargetSet {}

#if SIPCORE_FUZZING
@_cdecl("SIPCoreFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzEntry.main(argc, argv, environment: "SIPCORE_FUZZ_TARGET", default: FuzzTarget.message)
}

#else
@main
struct SIPCoreFuzzReplay {
    static func main() throws {
        try FuzzEntry.replay(default: FuzzTarget.message, usage: "SIPCoreFuzz [message|stream|uri] FILE...")
    }
}
#endif
