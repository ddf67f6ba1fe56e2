// Entry points of the GatehouseFuzz executable.
//
// Fuzz build (scripts/fuzz, recipe in ../shared/design/C-LIBRARIES.md): compiled with
// `-sanitize=fuzzer,address -parse-as-library -use-ld=lld -DGATEHOUSE_FUZZING`; SwiftPM links the
// entry point as `GatehouseFuzz_main`, which hands argc/argv to libFuzzer. The target comes from
// the environment variable GATEHOUSE_FUZZ_TARGET (sdp, dialplan, rtp, rtcp, rfc4733, dtmf-info;
// default sdp).
//
// Plain build (`swift build`): a replay tool that runs files through the same harness:
//   swift run GatehouseFuzz [sdp|dialplan|rtp|rtcp|rfc4733|dtmf-info] FILE...

import FuzzSupport

extension FuzzTarget: FuzzTargetSet {}

#if GATEHOUSE_FUZZING
@_cdecl("GatehouseFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzEntry.main(argc, argv, environment: "GATEHOUSE_FUZZ_TARGET", default: FuzzTarget.sdp)
}

#else
@main
struct GatehouseFuzzReplay {
    static func main() throws {
        try FuzzEntry.replay(default: FuzzTarget.sdp, usage: "GatehouseFuzz [sdp|dialplan|rtp|rtcp|rfc4733|dtmf-info] FILE...")
    }
}
#endif
