import Testing
@testable import DialPlan

/// The byte matcher of number patterns gives NSRegularExpression's answer (captures included)
/// on a table of patterns and numbers, and leaves the shapes it does not cover to ICU.
@Suite struct NumberPatternTests {
    /// Patterns the byte matcher covers.
    static let covered = [
        "^[0-9+]+$", "^07[0-9]{8}$", "^0([1-9])([0-9]+)$", "^\\+4680[0-9]+$", "^\\+4670[0-9]+$",
        "^0([1-9][0-9]+)$", "^1[0-9]{2}$", "^[1-9][0-9]{2,3}$", "^00[1-9]\\d{4,}$", "^\\*[0-9]{2}#$",
        "^0?7[0-9]*$", "^([0-9]*)([0-9]*)$", "^([0-9]+)(1?)$", "^[0-9]*1?$", "^[0-9]*1$",
        "^9(.*)$", "^[^0].{3}$", "^(0)(7)([0-9]{1,3})$", "^a[a-f0-9]+$", "^0", "^0[0-9]?", "[0-9]{3}$",
        "^()1$", "^x*$", "^sip-([0-9]+)$", "^#31#([0-9]+)$", "^(1(2)3)$", "^1{0}2$", "^[A-Z]{2}[0-9]$",
    ]
    /// Shapes left to ICU.
    static let uncovered = [
        "^07|^08", "^(\\+46|0)?7", "^(07)+$", "^[0-9]+?$", "^[0-9]++$", "^(?:0)7$", "^\\w+$", "^[[0-9]]$", "^\\p{Nd}+$",
        "^\\1$", "^[0-9&&[^5]]$", "^ 1$", "^a$b", "^[a-\\d]$", "^[0-9-]$",
    ]
    static let numbers = [
        "", "0", "7", "07", "0701234567", "07012345678", "070123456", "+46801234567", "+4670123", "0046",
        "101", "1011", "999", "1000", "12345", "*72#", "*7#", "90000", "9", "0123", "1123", "a0f", "abc",
        "sip-42", "#31#0701", "123", "2", "AB1", "ab1", "11", "1", "91 2", "0٧", "x", "xx", "0۱2",
        "0000000000000000000000000000000000000000000000000000000000000000000000001",
    ]

    @Test(arguments: covered) func coveredPatternsMatchLikeICU(_ text: String) throws {
        let pattern = try NumberPattern(text)
        #expect(pattern.hasFastMatcher, "\(text) should take the byte matcher")
        for number in Self.numbers {
            #expect(pattern.match(number) == pattern.icuMatch(number), "\(text) on '\(number)'")
        }
    }

    @Test(arguments: uncovered) func otherShapesGoToICU(_ text: String) throws {
        guard let pattern = try? NumberPattern(text) else { return }
        #expect(!pattern.hasFastMatcher, "\(text) must be left to ICU")
        for number in Self.numbers {
            #expect(pattern.match(number) == pattern.icuMatch(number), "\(text) on '\(number)'")
        }
    }

    /// Random numbers over the pattern alphabets agree with ICU for every covered pattern.
    @Test func randomNumbersAgreeWithICU() throws {
        var rng = Mix(state: 0xD1A1_2026)
        let alphabet = Array("0123456789+*#abAB-.".utf8)
        let patterns = try Self.covered.map { try NumberPattern($0) }
        for _ in 0..<600 {
            let length = Int.random(in: 0...14, using: &rng)
            let number = String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &rng) ?? 48 }, as: UTF8.self)
            for (index, pattern) in patterns.enumerated() {
                #expect(pattern.match(number) == pattern.icuMatch(number), "\(Self.covered[index]) on '\(number)'")
            }
        }
    }

    @Test func numberMatchUsesTheCompiledPattern() throws {
        let match = try NumberMatch.compile("^0([1-9])([0-9]+)$").get()
        #expect(match.match("0701") == ["0701", "7", "01"])
        guard case .pattern(_, let pattern) = match else {
            Issue.record("not a pattern")
            return
        }
        #expect(pattern.numberOfCaptureGroups == 2)
        #expect(pattern.hasFastMatcher)
    }
}

/// A seeded generator, so a failing number is reproducible (SplitMix64).
private struct Mix: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
