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
/// An operator's own `GLIBC_TUNABLES` malloc settings win: nothing is changed then.
public enum HeapTuning {
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
        /// `GLIBC_TUNABLES` sets a `glibc.malloc.*` tunable: the operator's choice is kept.
        case operatorTunables
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
        if setsMallocTunable(environment["GLIBC_TUNABLES"]) { return .operatorTunables }
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
