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

#if GATEHOUSE_FUZZING
import Glibc

let fuzzTarget: FuzzTarget = {
    guard let name = getenv("GATEHOUSE_FUZZ_TARGET") else { return .sdp }
    guard let target = FuzzTarget(rawValue: String(cString: name)) else {
        fatalError("GATEHOUSE_FUZZ_TARGET must be one of \(FuzzTarget.allCases.map(\.rawValue))")
    }
    return target
}()

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    fuzzTarget.run(input)
    return 0
}

@_cdecl("GatehouseFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput)
}

#else
import Foundation

@main
struct GatehouseFuzzReplay {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var target = FuzzTarget.sdp
        if let first = arguments.first, let named = FuzzTarget(rawValue: first) {
            target = named
            arguments.removeFirst()
        }
        guard !arguments.isEmpty else {
            print("usage: GatehouseFuzz [sdp|dialplan|rtp|rtcp|rfc4733|dtmf-info] FILE...   (replays inputs; fuzz with scripts/fuzz)")
            return
        }
        for path in arguments {
            target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("\(target.rawValue): \(path) ok")
        }
    }
}
#endif
