#if canImport(Glibc)
import Glibc
#endif

/// glibc heap settings for the long-running gateway process.
///
/// With glibc's defaults every thread arena gives the free top of its heap back to the kernel as
/// soon as it exceeds 128 KiB (`M_TRIM_THRESHOLD`), and grows again page by page (`M_TOP_PAD` 128
/// KiB). The event loops allocate and free a call's messages, transactions and state thousands
/// of times a second, so a busy gateway trimmed and re-faulted the same memory continuously: at
/// 2000 calls/s in `scripts/bench-b2bua` page faults were ≈ 3% of the process's CPU
/// (`clear_page_erms` 2%, `sysmalloc` 2.4%). Keeping up to ``Settings/trimThreshold`` of free top
/// per arena, and growing by ``Settings/topPad`` at a time, removes that churn (both ≈ 0%); the
/// cost is that memory freed after a burst stays with the process up to that amount per arena.
///
/// glibc's thread cache keeps only 7 freed chunks per size class (`tcache_count`); the rest go to
/// the fast bins, which a larger request then consolidates (`malloc_consolidate` ≈ 1.3%): with 128
/// the malloc family fell from 10.4% to 6.9% of samples at 2000 calls/s. That one is a tunable
/// only (no `mallopt` parameter), read when the process starts, so ``reexecIfNeeded(environment:)``
/// starts the process again (same PID and arguments, `execv` of `/proc/self/exe`) with
/// ``gatewayTunables`` added to `GLIBC_TUNABLES`; ``apply(_:environment:)`` is the fallback
/// when that is not possible.
///
/// An operator's own `GLIBC_TUNABLES` malloc settings win: nothing is changed then.
public enum HeapTuning {
    /// The gateway's glibc tunables: the two ``Settings`` of ``gateway`` and a 128-entry thread cache.
    public static let gatewayTunables =
        "glibc.malloc.trim_threshold=\(gateway.trimThreshold):glibc.malloc.top_pad=\(gateway.topPad):glibc.malloc.tcache_count=128"

    /// The `GLIBC_TUNABLES` value to run with: `existing` with ``gatewayTunables`` appended, or
    /// nil when `existing` already tunes malloc (the operator's choice).
    public static func tunables(adding existing: String?) -> String? {
        if setsMallocTunable(existing) { return nil }
        guard let existing, !existing.isEmpty else { return gatewayTunables }
        return existing + ":" + gatewayTunables
    }

    /// Starts this process again with ``tunables(adding:)`` in `GLIBC_TUNABLES`, and does not
    /// return when that works. Returns when malloc is already tuned (``Outcome/tunedByEnvironment``,
    /// also after the restart) or the restart is not possible; then it applies ``gateway`` with
    /// `mallopt` (``apply(_:environment:)``). Call before any output and before threads matter.
    @discardableResult
    public static func reexecIfNeeded(environment: [String: String]) -> Outcome {
        guard let value = tunables(adding: environment["GLIBC_TUNABLES"]) else { return .tunedByEnvironment }
        #if os(Linux)
        if setenv("GLIBC_TUNABLES", value, 1) == 0 {
            _ = execv("/proc/self/exe", CommandLine.unsafeArgv)
            // Only reached when execv failed: run on with mallopt.
            unsetenv("GLIBC_TUNABLES")
            if let existing = environment["GLIBC_TUNABLES"] { setenv("GLIBC_TUNABLES", existing, 1) }
        }
        #endif
        return apply(environment: environment)
    }

    /// The two `mallopt(3)` values.
    public struct Settings: Equatable, Sendable {
        /// Free bytes an arena keeps at its top before returning them (`M_TRIM_THRESHOLD`).
        public var trimThreshold: Int
        /// Extra bytes requested whenever an arena grows (`M_TOP_PAD`).
        public var topPad: Int

        /// The values to set.
        public init(trimThreshold: Int, topPad: Int) {
            self.trimThreshold = trimThreshold
            self.topPad = topPad
        }
    }

    /// The gateway's settings: 64 MiB kept, 16 MiB growth (measured in the B2BUA bench: page
    /// faults 3% → 1% of samples at 2000 calls/s; 512 MiB/64 MiB gave the same).
    public static let gateway = Settings(trimThreshold: 64 << 20, topPad: 16 << 20)

    /// The outcome of ``apply(_:environment:)``.
    public enum Outcome: Equatable, Sendable {
        /// Both values were set.
        case applied
        /// `GLIBC_TUNABLES` sets a `glibc.malloc.*` tunable (the operator's, kept as it is, or
        /// ``gatewayTunables`` after ``reexecIfNeeded(environment:)`` restarted the process).
        case tunedByEnvironment
        /// Not glibc, or `mallopt` refused a value.
        case unavailable
    }

    #if canImport(Glibc)
    /// `<malloc.h>` is not in Swift's Glibc module: `mallopt` is looked up in the process (C
    /// calling convention) and the two parameter numbers are glibc's ABI constants.
    private typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32
    private static let mTrimThreshold: Int32 = -1  // M_TRIM_THRESHOLD
    private static let mTopPad: Int32 = -2  // M_TOP_PAD
    private static var mallopt: MalloptFunction? {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: MalloptFunction.self)
    }
    #endif

    /// Whether a `GLIBC_TUNABLES` value (`name=value` pairs joined by `:`) sets any malloc tunable.
    public static func setsMallocTunable(_ tunables: String?) -> Bool {
        guard let tunables else { return false }
        return tunables.split(separator: ":").contains { $0.hasPrefix("glibc.malloc.") }
    }

    /// Applies `settings` to the process's heap unless the environment's `GLIBC_TUNABLES` already
    /// tunes malloc. Call once at start, before the event loops run.
    @discardableResult
    public static func apply(_ settings: Settings = gateway, environment: [String: String]) -> Outcome {
        if setsMallocTunable(environment["GLIBC_TUNABLES"]) { return .tunedByEnvironment }
        #if canImport(Glibc)
        guard let trim = Int32(exactly: settings.trimThreshold), let pad = Int32(exactly: settings.topPad),
              let mallopt = mallopt else { return .unavailable }
        // mallopt(3) returns 1 on success, 0 on error.
        guard mallopt(mTrimThreshold, trim) == 1, mallopt(mTopPad, pad) == 1 else { return .unavailable }
        return .applied
        #else
        return .unavailable
        #endif
    }
}
