import DTMF
import NIOCore
import Testing

@Suite struct DigitSequenceMatcherTests {
    /// (action, typed digits with times in ms, index of the digit that fires or nil)
    static let table: [(String, [(Character, Int)], Int?)] = [
        ("1", [("1", 0)], 0),
        ("1", [("2", 0), ("1", 500)], 1),
        ("#1", [("1", 0), ("#", 300), ("1", 600)], 2),
        ("#1", [("#", 0), ("1", 6000)], nil),
        ("1234#", [("1", 0), ("2", 300), ("3", 600), ("4", 900), ("#", 1200)], 4),
        ("1234#", [("9", 0), ("1", 300), ("2", 600), ("3", 900), ("4", 1200), ("#", 1500)], 5),
        ("1234#", [("1", 0), ("2", 300), ("3", 6000), ("4", 6300), ("#", 6600)], nil),
        ("1234#", [("1", 0), ("2", 300), ("1", 4000), ("2", 4300), ("3", 4600), ("4", 4900), ("#", 5200)], 6),
        ("11", [("1", 0), ("1", 200), ("1", 400)], 1),
    ]

    @Test(arguments: table)
    func matches(_ action: String, _ typed: [(Character, Int)], _ firesAt: Int?) throws {
        var matcher = try #require(DigitSequenceMatcher(action))
        var fired: [Int] = []
        for (index, (character, time)) in typed.enumerated() where matcher.receive(try #require(DTMFDigit(character)), at: ms(time)) {
            fired.append(index)
        }
        #expect(fired == (firesAt.map { [$0] } ?? []), "fires once at most")
        #expect(matcher.hasFired == (firesAt != nil))
    }

    @Test func resetAllowsAnotherOpeningAndBadActionsAreRefused() {
        var matcher = DigitSequenceMatcher("1", interDigitTimeout: .seconds(2))!
        #expect(matcher.receive(.one, at: ms(0)) == true)
        #expect(matcher.receive(.one, at: ms(100)) == false)
        matcher.reset()
        #expect(matcher.receive(.one, at: ms(200)) == true)
        #expect(DigitSequenceMatcher("12x") == nil)
        #expect(DigitSequenceMatcher("") == nil)
    }
}
