import Testing
import Yams
@testable import OperatorInput

@Suite struct NodeReaderTests {
    @Test func suggestionsUseEditDistance() {
        #expect(editDistance("medai", "media") == 2)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("abc", "") == 3)
        #expect(editDistance("abc", "abc") == 0)
    }

    @Test func durationsNeedAUnit() {
        #expect(parseDuration("250ms") == .milliseconds(250))
        #expect(parseDuration("20s") == .seconds(20))
        #expect(parseDuration("2m") == .seconds(120))
        #expect(parseDuration("1h") == .seconds(3600))
        #expect(parseDuration("20") == nil)
        #expect(parseDuration("ms") == nil)
        #expect(parseDuration("-5s") == nil)
        #expect(formatDuration(.milliseconds(1500)) == "1500ms")
        #expect(formatDuration(.seconds(120)) == "2m")
    }

    @Test func duplicateKeysAreReportedWithTheirPosition() {
        var reader = NodeReader(file: "d.yaml")
        #expect(reader.compose("a: 1\nb: 2\na: 3\n", emptyFix: "x") == nil)
        #expect(reader.errors.map(\.description) == [
            "d.yaml:1:1: error: duplicate key 'a' in one mapping (fix: give each entry a unique name, or merge the two entries)",
        ])
    }

    @Test func accessorsCollectEveryError() throws {
        var reader = NodeReader(file: "r.yaml")
        let composed = reader.compose("t: 5x\nb: maybe\nl: [a, {x: 1}]\n", emptyFix: "x")
        let root = try #require(composed)
        let mapped = reader.mapping(root, what: "root")
        let map = try #require(mapped)
        let duration = reader.duration(map["t"], key: "t")
        let flag = reader.bool(map["b"], key: "b")
        let list = reader.scalarList(try #require(map["l"]), key: "l")
        #expect(duration == nil)
        #expect(flag == nil)
        #expect(list.count == 1)
        #expect(reader.errors.map { "\($0.line):\($0.column)" } == ["1:4", "2:4", "3:8"])
    }
}
