import DTMF
import NIOCore
import Testing

@Suite struct DigitDeduplicatorTests {
    /// (digit, method, arrival ms) → delivered?
    static let scenarios: [(String, [(String, DTMFMethod, Int, Bool)])] = [
        ("RFC 4733 then INFO of one press", [("1", .rfc4733, 0, true), ("1", .info, 150, false)]),
        ("INFO first, then the event", [("5", .info, 0, true), ("5", .rfc4733, 300, false)]),
        ("events plus in-band tones", [("1", .rfc4733, 0, true), ("1", .inband, 40, false)]),
        ("outside the window: a new press", [("1", .rfc4733, 0, true), ("1", .info, 1200, true)]),
        ("same method twice is two presses", [("1", .info, 0, true), ("1", .info, 100, true)]),
        ("PIN 11 in RFC2833+INFO mode", [("1", .rfc4733, 0, true), ("1", .info, 50, false), ("1", .rfc4733, 400, true), ("1", .info, 450, false)]),
        ("different digits both pass", [("1", .rfc4733, 0, true), ("2", .info, 10, true)]),
        ("three methods, one press", [("9", .inband, 0, true), ("9", .rfc4733, 30, false), ("9", .info, 60, false)]),
    ]

    @Test(arguments: scenarios)
    func scenario(_ name: String, _ steps: [(String, DTMFMethod, Int, Bool)]) {
        var deduplicator = DigitDeduplicator()
        for (digit, method, time, delivered) in steps {
            #expect(deduplicator.admit(DTMFDigit(Character(digit))!, method: method, at: ms(time)) == delivered, "\(name): \(digit) via \(method) at \(time)")
        }
    }

    func admitted(_ deduplicator: inout DigitDeduplicator, _ event: DTMFEvent) -> Bool {
        deduplicator.admit(event)
    }

    @Test func endEventsFollowTheirStart() {
        var deduplicator = DigitDeduplicator(window: .milliseconds(500))
        #expect(admitted(&deduplicator, DTMFEvent(digit: .one, phase: .start, method: .rfc4733, time: ms(0))))
        #expect(!admitted(&deduplicator, DTMFEvent(digit: .one, phase: .start, method: .inband, time: ms(30))))
        #expect(admitted(&deduplicator, DTMFEvent(digit: .one, phase: .end(durationMilliseconds: 100), method: .rfc4733, time: ms(100))))
        #expect(!admitted(&deduplicator, DTMFEvent(digit: .one, phase: .end(durationMilliseconds: 90), method: .inband, time: ms(120))))
        #expect(admitted(&deduplicator, DTMFEvent(digit: .two, phase: .end(durationMilliseconds: 90), method: .inband, time: ms(900))))
    }
}
