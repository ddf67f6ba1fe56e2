import Testing
@testable import Gateway

@Suite struct HeapTuningTests {
    @Test func anOperatorsMallocTunableIsRecognised() {
        #expect(HeapTuning.setsMallocTunable("glibc.malloc.trim_threshold=1048576"))
        #expect(HeapTuning.setsMallocTunable("glibc.pthread.rseq=0:glibc.malloc.arena_max=2"))
        #expect(!HeapTuning.setsMallocTunable("glibc.pthread.rseq=0"))
        #expect(!HeapTuning.setsMallocTunable(""))
        #expect(!HeapTuning.setsMallocTunable(nil))
        // Only a whole tunable name counts, not a value that happens to contain it.
        #expect(!HeapTuning.setsMallocTunable("glibc.rtld.x=glibc.malloc.y"))
    }

    @Test func anOperatorsTunablesAreLeftAlone() {
        let outcome = HeapTuning.apply(environment: ["GLIBC_TUNABLES": "glibc.malloc.top_pad=0"])
        #expect(outcome == .tunedByEnvironment)
    }

    @Test func theGatewayTunablesAreAddedToAnOperatorsOthers() {
        let ours = HeapTuning.gatewayTunables
        #expect(ours == "glibc.malloc.trim_threshold=67108864:glibc.malloc.top_pad=16777216:glibc.malloc.tcache_count=128")
        #expect(HeapTuning.tunables(adding: nil) == ours)
        #expect(HeapTuning.tunables(adding: "") == ours)
        #expect(HeapTuning.tunables(adding: "glibc.pthread.rseq=0") == "glibc.pthread.rseq=0:" + ours)
        // After the restart (or with the operator's own malloc tunables) nothing is added.
        #expect(HeapTuning.tunables(adding: ours) == nil)
        #expect(HeapTuning.tunables(adding: "glibc.malloc.tcache_count=0") == nil)
        #expect(HeapTuning.setsMallocTunable(ours))
    }

    @Test func anOperatorsTunablesAreNeverReplacedByARestart() {
        // Returns (no execv) because malloc is already tuned.
        #expect(HeapTuning.reexecIfNeeded(environment: ["GLIBC_TUNABLES": "glibc.malloc.arena_max=1"]) == .tunedByEnvironment)
    }

    @Test func theGatewaySettingsApplyOnGlibc() {
        #expect(HeapTuning.gateway == HeapTuning.Settings(trimThreshold: 64 << 20, topPad: 16 << 20))
        let outcome = HeapTuning.apply(environment: [:])
        #if canImport(Glibc)
        #expect(outcome == .applied)
        #else
        #expect(outcome == .unavailable)
        #endif
    }

    @Test func aValueMallocCannotTakeIsRefused() {
        // mallopt takes an int: a value past Int32 is not silently truncated.
        let outcome = HeapTuning.apply(HeapTuning.Settings(trimThreshold: Int(Int32.max) + 1, topPad: 0), environment: [:])
        #expect(outcome == .unavailable)
    }
}
