import Testing
@testable import SIPCore

/// Tags, branches and ids drawn from the pooled CSPRNG: well-formed, and never repeating across
/// block refills and threads.
@Suite struct PooledRandomTests {
    @Test func valuesDoNotRepeatAcrossRefills() {
        // Three blocks' worth of values: the pool refills twice.
        let count = 3 * PooledRandom.blockSize / 8
        var seen = Set<UInt64>()
        for _ in 0..<count { seen.insert(PooledRandom.next64()) }
        #expect(seen.count == count)
    }

    @Test func bitsAreSpread() {
        // Each bit position set in roughly half of 4096 draws (a stuck or zeroed byte fails).
        var ones = [Int](repeating: 0, count: 64)
        for _ in 0..<4096 {
            let value = PooledRandom.next64()
            for bit in 0..<64 where value & (1 << UInt64(bit)) != 0 { ones[bit] += 1 }
        }
        #expect(ones.allSatisfy { (1700...2400).contains($0) }, "\(ones)")
    }

    @Test func tagsAreHexAndDistinctAcrossThreads() async {
        let tags = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2000).map { _ in SIPMessage.makeTag() } } }
            var all: [String] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(Set(tags).count == tags.count)
        #expect(tags.allSatisfy { !$0.isEmpty && $0.count <= 16 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func generatorServesStandardLibraryRandom() {
        var generator = PooledRandom()
        let values = (0..<1000).map { _ in UInt32.random(in: 1_000_000...UInt32.max, using: &generator) }
        #expect(values.allSatisfy { $0 >= 1_000_000 })
        #expect(Set(values).count > 990)
    }

    @Test func fillWritesEveryByte() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        buffer.withUnsafeMutableBytes { PooledRandom.fill($0) }
        // 64 KiB of zeros left in a 4 KiB stretch would mean a short read was not completed.
        let chunks = stride(from: 0, to: buffer.count, by: 4096).map { buffer[$0..<($0 + 4096)] }
        #expect(chunks.allSatisfy { chunk in chunk.contains { $0 != 0 } })
    }
}
