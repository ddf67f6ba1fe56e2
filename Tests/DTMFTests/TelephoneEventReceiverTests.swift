import DTMF
import NIOCore
import Testing

/// A receiver scenario: a packet stream, tick times, and the expected digit events.
struct ReceiverCase: CustomTestStringConvertible, Sendable {
    var name: String
    var payloadType: UInt8 = 101
    var clockRate = 8000
    var packets: @Sendable () -> [EventPacket]
    var ticks: [Int] = []
    var expected: [Seen]
    var effectiveClockRate: Int?

    var testDescription: String { name }
}


@Suite struct TelephoneEventReceiverTests {
    static let cases: [ReceiverCase] = [
        ReceiverCase(name: "clean digit, repeats of the end ignored",
                     packets: { standardDigit(1, timestamp: 16000, at: 0, milliseconds: 100) },
                     expected: [Seen("1"), Seen("1", end: 100)]),
        ReceiverCase(name: "PT 96, never a marker", payloadType: 96,
                     packets: { standardDigit(5, timestamp: 320, at: 0, milliseconds: 120, marker: false) },
                     expected: [Seen("5"), Seen("5", end: 120)]),
        ReceiverCase(name: "PT 126, 50 ms updates", payloadType: 126,
                     packets: { standardDigit(11, timestamp: 99, at: 0, milliseconds: 250, interval: 50) },
                     expected: [Seen("#"), Seen("#", end: 250)]),
        ReceiverCase(name: "first packets lost: starts on the first seen",
                     packets: { Array(standardDigit(9, timestamp: 800, at: 0, milliseconds: 200).dropFirst(4)) },
                     expected: [Seen("9"), Seen("9", end: 200)]),
        ReceiverCase(name: "only the end packets arrive",
                     packets: { Array(standardDigit(0, timestamp: 800, at: 0, milliseconds: 160).suffix(3)) },
                     expected: [Seen("0"), Seen("0", end: 160)]),
        ReceiverCase(name: "end packets lost: synthesized after 500 ms of silence",
                     packets: { Array(standardDigit(2, timestamp: 800, at: 0, milliseconds: 200).dropLast(3)) },
                     ticks: [300, 659, 661],
                     expected: [Seen("2"), Seen("2", end: 180, synthesized: true)]),
        ReceiverCase(name: "end lost, next digit starts: the first is ended then",
                     packets: {
                         Array(standardDigit(4, timestamp: 800, at: 0, milliseconds: 100).dropLast(3))
                             + standardDigit(7, timestamp: 3000, at: 200, milliseconds: 100)
                     },
                     expected: [Seen("4"), Seen("4", end: 80, synthesized: true), Seen("7"), Seen("7", end: 100)]),
        ReceiverCase(name: "the same digit twice is two events (two timestamps)",
                     packets: {
                         standardDigit(1, timestamp: 800, at: 0, milliseconds: 100)
                             + standardDigit(1, timestamp: 4000, at: 400, milliseconds: 100)
                     },
                     expected: [Seen("1"), Seen("1", end: 100), Seen("1"), Seen("1", end: 100)]),
        ReceiverCase(name: "late packet of the previous event is ignored",
                     packets: {
                         var packets = standardDigit(3, timestamp: 800, at: 0, milliseconds: 100)
                             + standardDigit(6, timestamp: 4000, at: 400, milliseconds: 100)
                         packets.append(EventPacket(arrival: 600, timestamp: 800, event: 3, end: false, duration: 160))
                         packets.append(EventPacket(arrival: 610, timestamp: 700, event: 8, end: false, duration: 160))
                         return packets
                     },
                     expected: [Seen("3"), Seen("3", end: 100), Seen("6"), Seen("6", end: 100)]),
        ReceiverCase(name: "baresip 1.0 + Opus: /8000 declared, 48 kHz counted",
                     packets: { standardDigit(1, timestamp: 96000, at: 0, milliseconds: 200, unitsPerSecond: 48000) },
                     expected: [Seen("1"), Seen("1", end: 200)], effectiveClockRate: 8000),
        ReceiverCase(name: "baresip: two digits fix the stream's rate, a short third uses it",
                     packets: {
                         standardDigit(1, timestamp: 96000, at: 0, milliseconds: 200, unitsPerSecond: 48000)
                             + standardDigit(2, timestamp: 192_000, at: 1000, milliseconds: 160, unitsPerSecond: 48000)
                             + standardDigit(3, timestamp: 288_000, at: 2000, milliseconds: 120, unitsPerSecond: 48000).suffix(3)
                     },
                     expected: [Seen("1"), Seen("1", end: 200), Seen("2"), Seen("2", end: 160), Seen("3"), Seen("3", end: 120)],
                     effectiveClockRate: 48000),
        ReceiverCase(name: "one burst-compressed event does not change the stream's rate",
                     packets: {
                         // 200 ms of durations arriving within 90 ms (queued then flushed by a Wi-Fi link).
                         var burst = standardDigit(4, timestamp: 8000, at: 0, milliseconds: 200)
                         for index in burst.indices { burst[index].arrival = burst[index].arrival * 90 / 180 }
                         return burst + standardDigit(5, timestamp: 40000, at: 1000, milliseconds: 100)
                             + standardDigit(6, timestamp: 80000, at: 2000, milliseconds: 60).suffix(3)
                     },
                     expected: [Seen("4"), Seen("4", end: 100), Seen("5"), Seen("5", end: 100), Seen("6"), Seen("6", end: 60)],
                     effectiveClockRate: 8000),
        ReceiverCase(name: "telephone-event/48000 counted right", clockRate: 48000,
                     packets: { standardDigit(1, timestamp: 96000, at: 0, milliseconds: 200, unitsPerSecond: 48000) },
                     expected: [Seen("1"), Seen("1", end: 200)], effectiveClockRate: 48000),
        ReceiverCase(name: "/48000 declared, 8 kHz counted", clockRate: 48000,
                     packets: { standardDigit(1, timestamp: 96000, at: 0, milliseconds: 200, unitsPerSecond: 8000) },
                     expected: [Seen("1"), Seen("1", end: 200)], effectiveClockRate: 48000),
        ReceiverCase(name: "G.722 device counting 16 kHz under /8000",
                     packets: { standardDigit(1, timestamp: 96000, at: 0, milliseconds: 300, unitsPerSecond: 16000) },
                     expected: [Seen("1"), Seen("1", end: 300)], effectiveClockRate: 8000),
        ReceiverCase(name: "short single-packet burst is not enough evidence to correct",
                     packets: { standardDigit(1, timestamp: 96000, at: 0, milliseconds: 40, unitsPerSecond: 8000) },
                     expected: [Seen("1"), Seen("1", end: 40)], effectiveClockRate: 8000),
        ReceiverCase(name: "2 s digit at 48 kHz in two segments (§2.5.1.3)", clockRate: 48000,
                     packets: {
                         // Segment 1: durations up to 0xFFFF, no end bit; segment 2 continues at ts + 0xFFFF.
                         var packets: [EventPacket] = []
                         var arrival = 0
                         for duration in stride(from: 2400, through: 65535, by: 2400) {
                             packets.append(EventPacket(arrival: arrival, timestamp: 1000, event: 1, end: false, duration: UInt16(duration)))
                             arrival += 50
                         }
                         packets.append(EventPacket(arrival: arrival, timestamp: 1000, event: 1, end: false, duration: 65535))
                         let remaining = 96000 - 65535
                         for duration in stride(from: 2400, to: remaining, by: 2400) {
                             packets.append(EventPacket(arrival: arrival, timestamp: 1000 + 65535, event: 1, end: false, duration: UInt16(duration)))
                             arrival += 50
                         }
                         for _ in 0..<3 {
                             packets.append(EventPacket(arrival: arrival, timestamp: 1000 + 65535, event: 1, end: true, duration: UInt16(remaining)))
                         }
                         return packets
                     },
                     expected: [Seen("1"), Seen("1", end: 2000)], effectiveClockRate: 48000),
        ReceiverCase(name: "start packet sent three times, updates reordered",
                     packets: {
                         var packets = standardDigit(3, timestamp: 800, at: 0, milliseconds: 140)
                         packets.insert(contentsOf: [packets[0], packets[0]], at: 1)
                         packets.swapAt(3, 4)
                         return packets
                     },
                     expected: [Seen("3"), Seen("3", end: 140)]),
        ReceiverCase(name: "end packet overtakes the last update",
                     packets: {
                         var packets = standardDigit(6, timestamp: 800, at: 0, milliseconds: 100)
                         let end = packets.remove(at: 4)
                         packets.insert(end, at: 3)
                         return packets
                     },
                     expected: [Seen("6"), Seen("6", end: 100)]),
        ReceiverCase(name: "SSRC change starts a new stream",
                     packets: {
                         var second = standardDigit(8, timestamp: 10, at: 300, milliseconds: 100)
                         for index in second.indices { second[index].ssrc = 0xBEEF }
                         return standardDigit(8, timestamp: 90000, at: 0, milliseconds: 100) + second
                     },
                     expected: [Seen("8"), Seen("8", end: 100), Seen("8"), Seen("8", end: 100)]),
    ]

    @Test(arguments: cases)
    func stream(_ scenario: ReceiverCase) throws {
        let configuration = TelephoneEventReceiver.Configuration(payloadType: scenario.payloadType, clockRate: scenario.clockRate)
        var receiver = TelephoneEventReceiver(configuration: configuration)
        let seen = try run(scenario.packets(), configuration: configuration, tickAt: scenario.ticks, receiver: &receiver)
        #expect(seen == scenario.expected)
        if let rate = scenario.effectiveClockRate {
            #expect(receiver.effectiveClockRate == rate)
        }
        #expect(!receiver.isActive || scenario.expected.last?.end == nil)
    }

    @Test func tickBeforeTheTimeoutDoesNothingAndDeadlineIsReported() throws {
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000, silenceTimeout: .milliseconds(300)))
        #expect(receiver.nextDeadline == nil)
        let start = try receiver.receive(ssrc: 1, timestamp: 10, payload: .init(event: 1, isEnd: false, volume: 10, duration: 160), arrival: ms(0))
        #expect(start.map(Seen.init) == [Seen("1")])
        #expect(receiver.nextDeadline == ms(300))
        #expect(receiver.tick(now: ms(299)).isEmpty)
        let ended = receiver.tick(now: ms(300))
        #expect(ended.map(Seen.init) == [Seen("1", end: 20, synthesized: true)])
        #expect(ended.first?.time == ms(300))
        // A straggler of the ended event does not restart it.
        #expect(try receiver.receive(ssrc: 1, timestamp: 10, payload: .init(event: 1, isEnd: true, volume: 10, duration: 800), arrival: ms(310)).isEmpty)
    }

    @Test func callEndingMidDigitEndsIt() throws {
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000))
        _ = try receiver.receive(ssrc: 1, timestamp: 10, payload: .init(event: 12, isEnd: false, volume: 10, duration: 400), arrival: ms(0))
        #expect(receiver.finish(now: ms(40)).map(Seen.init) == [Seen("A", end: 50, synthesized: true)])
        #expect(receiver.finish(now: ms(50)).isEmpty)
    }

    @Test func refusesWhatIsNotADigitPacket() throws {
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000))
        let flash = EventPacket(arrival: 0, timestamp: 1, event: 16, end: false, duration: 160)
        #expect(throws: TelephoneEventError.notADigit(event: 16)) {
            try flash.bytes(payloadType: 101, sequenceNumber: 1).withUnsafeBytes { try receiver.receive(packet: $0, arrival: ms(0)) }
        }
        #expect(throws: TelephoneEventError.unexpectedPayloadType(0)) {
            try flash.bytes(payloadType: 0, sequenceNumber: 1).withUnsafeBytes { try receiver.receive(packet: $0, arrival: ms(0)) }
        }
        let truncated = Array(flash.bytes(payloadType: 101, sequenceNumber: 1).dropLast(1))
        #expect(throws: TelephoneEventError.payloadTooShort(length: 3)) {
            try truncated.withUnsafeBytes { try receiver.receive(packet: $0, arrival: ms(0)) }
        }
        #expect(throws: TelephoneEventError.malformedRTP) {
            try [UInt8]([0x80, 101, 0]).withUnsafeBytes { try receiver.receive(packet: $0, arrival: ms(0)) }
        }
        #expect(!receiver.isActive)
    }

    @Test func byteBufferEntryPointMatchesRawBytes() throws {
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000))
        let packet = EventPacket(arrival: 0, timestamp: 1, event: 10, end: true, duration: 800)
        let events = try receiver.receive(packet: ByteBuffer(bytes: packet.bytes(payloadType: 101, sequenceNumber: 9)), arrival: ms(0))
        #expect(events.map(Seen.init) == [Seen("*"), Seen("*", end: 100)])
    }

    @Test func correctionCanBeSwitchedOff() throws {
        let configuration = TelephoneEventReceiver.Configuration(payloadType: 101, clockRate: 8000, correctsClockRate: false)
        var receiver = TelephoneEventReceiver(configuration: configuration)
        let seen = try run(standardDigit(1, timestamp: 96000, at: 0, milliseconds: 200, unitsPerSecond: 48000),
                           configuration: configuration, receiver: &receiver)
        #expect(seen == [Seen("1"), Seen("1", end: 1200)])
        #expect(receiver.effectiveClockRate == 8000)
    }
}
