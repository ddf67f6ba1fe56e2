import Testing
import TestSupport

/// The per-test port ranges the loopback tests bind (TestSupport's ``FreePorts``).
@Suite struct FreePortsTests {
    @Test func rangesStartEvenAreFreeAndDoNotOverlap() throws {
        let first = try FreePorts.range(count: 6)
        let second = try FreePorts.range(count: 5)
        #expect(first.count == 6 && second.count == 5)
        #expect(first.lowerBound % 2 == 0 && second.lowerBound % 2 == 0, "RTP ports are even")
        #expect(!first.overlaps(second))
        #expect(first.allSatisfy { FreePorts.canBind($0, host: "0.0.0.0") })
        #expect(first.upperBound <= 65_535)
    }
}
