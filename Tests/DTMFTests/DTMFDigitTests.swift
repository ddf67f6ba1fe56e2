import DTMF
import Testing

@Suite struct DTMFDigitTests {
    @Test func eventCodesFollowRFC4733Table7() {
        #expect(DTMFDigit.sequence("0123456789*#ABCD")?.map(\.eventCode) == Array(0...15))
        #expect(DTMFDigit(eventCode: 16) == nil)
        #expect(DTMFDigit(eventCode: 10) == .star)
        #expect(DTMFDigit(eventCode: 11) == .pound)
    }

    @Test func asciiRoundTripsForEveryDigit() {
        for digit in DTMFDigit.allCases {
            #expect(DTMFDigit(ascii: digit.ascii) == digit)
            #expect(DTMFDigit(Character(digit.description)) == digit)
        }
        #expect(DTMFDigit(ascii: UInt8(ascii: "d")) == .d)
        #expect(DTMFDigit(ascii: UInt8(ascii: "E")) == nil)
        #expect(DTMFDigit.sequence("12x") == nil)
    }
}
