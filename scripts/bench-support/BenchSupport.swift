// Timing and allocation counting shared by the scratch-package micro-benchmarks
// (scripts/bench-dtmf, scripts/bench-rtpcore, scripts/bench-transcoding): each `run` script
// copies this file next to its main.swift, so it is compiled (and inlined) with the benchmark.
// Allocations come from the LD_PRELOAD counter scripts/bench-rtpcore/alloc-counter.c.
import Foundation

typealias CountFn = @convention(c) () -> Int
nonisolated(unsafe) let countSymbol = dlsym(nil, "gh_alloc_count")

/// Heap allocations so far (malloc, calloc, realloc, posix_memalign), or -1 without the preload.
func allocations() -> Int {
    guard let countSymbol else { return -1 }
    return unsafeBitCast(countSymbol, to: CountFn.self)()
}

/// This thread's CPU time in nanoseconds.
func cpuNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Where every measured body's result goes, so the optimizer cannot drop the work.
nonisolated(unsafe) var sink: UInt64 = 0

/// Runs `body` `runs` times; returns the fastest run's thread-CPU nanoseconds and the last run's
/// allocations, both per one of the `count` operations a run does.
func fastestRun<Result: BinaryInteger>(
    runs: Int, per count: Int, _ body: () throws -> Result
) rethrows -> (nanoseconds: Double, allocations: Double) {
    var best = Double.infinity
    var allocs = 0.0
    for _ in 0..<runs {
        let a0 = allocations()
        let t0 = cpuNanoseconds()
        sink &+= UInt64(truncatingIfNeeded: try body())
        let t1 = cpuNanoseconds()
        let a1 = allocations()
        best = min(best, Double(t1 - t0) / Double(count))
        allocs = Double(a1 - a0) / Double(count)
    }
    return (best, allocs)
}
