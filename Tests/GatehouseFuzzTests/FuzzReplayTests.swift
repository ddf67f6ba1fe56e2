import Foundation
import Testing
@testable import GatehouseFuzz

/// Every input `scripts/fuzz` found breaking a promise of the SDP, dial-plan, RTP/RTCP or DTMF
/// parsers, kept in `Fixtures/fuzz-crashes/` as `<target>-<libFuzzer name>` and replayed through
/// the fuzz harness itself (Sources/GatehouseFuzz): no trap, and the round trips hold. The hand
/// written seeds in `Fixtures/seeds/` (`<target>-<name>`) go through it too.
@Suite struct FuzzReplayTests {
    static func files(in folder: String) -> [String] {
        guard let directory = Bundle.module.url(forResource: "Fixtures/\(folder)", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted().map { "\(folder)/\($0)" }
    }

    static let inputs = files(in: "fuzz-crashes") + files(in: "seeds")

    /// The target a file belongs to: the longest target name its file name starts with.
    static func target(of path: String) -> FuzzTarget? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return FuzzTarget.allCases.filter { name.hasPrefix($0.rawValue + "-") }.max { $0.rawValue.count < $1.rawValue.count }
    }

    @Test func everyTargetHasSeedsAndEveryFileNamesItsTarget() {
        for path in Self.inputs { #expect(Self.target(of: path) != nil, "\(path)") }
        for target in FuzzTarget.allCases {
            #expect(Self.inputs.contains { Self.target(of: $0) == target }, "no seed for \(target.rawValue)")
        }
    }

    @Test(arguments: inputs)
    func replays(_ path: String) throws {
        let target = try #require(Self.target(of: path))
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(path)", withExtension: nil))
        target.run(Array(try Data(contentsOf: url)))
    }
}
