import DTMF
import NIOCore
import TestSupport
import Testing

/// Random peer input never traps, and the receiver's output stays well formed.
@Suite struct RobustnessTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomEventStreamsGiveAlternatingStartsAndEnds(_ seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000))
        var open: DTMFDigit?
        var now = 0
        var events: [DTMFEvent] = []
        for _ in 0..<5000 {
            now += Int.random(in: 0...60, using: &random)
            let payload = TelephoneEventPayload(
                event: UInt8.random(in: 0...17, using: &random), isEnd: Bool.random(using: &random),
                volume: 10, duration: UInt16.random(in: 0...UInt16.max, using: &random))
            let timestamp = UInt32.random(in: 0...40, using: &random) * 800
            let ssrc = UInt32.random(in: 1...2, using: &random)
            if let produced = try? receiver.receive(ssrc: ssrc, timestamp: timestamp, payload: payload, arrival: ms(now)) {
                events += produced
            }
            if Int.random(in: 0..<10, using: &random) == 0 { events += receiver.tick(now: ms(now)) }
        }
        events += receiver.finish(now: ms(now + 1))
        for event in events {
            switch event.phase {
            case .start:
                #expect(open == nil, "start while \(String(describing: open)) open")
                open = event.digit
            case .end(let duration):
                #expect(open == event.digit)
                #expect(duration >= 0)
                open = nil
            }
        }
        #expect(open == nil)
        #expect(!events.isEmpty)
    }

    @Test func randomBytesIntoTheReceiverNeverTrap() {
        var random = SplitMix64(state: 42)
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 8000))
        var accepted = 0
        for index in 0..<20000 {
            var bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            if bytes.count >= 2, index % 2 == 0 {
                bytes[0] = 0x80
                bytes[1] = 101
            }
            if let events = try? bytes.withUnsafeBytes({ try receiver.receive(packet: $0, arrival: ms(index)) }) {
                accepted += 1
                #expect(events.count <= 3)
            }
        }
        #expect(accepted > 0)
    }

    @Test func brokenNegotiatedValuesDoNotTrap() {
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: 0))
        #expect(receiver.configuration.clockRate == 8000)
        #expect((try? receiver.receive(ssrc: 1, timestamp: 1, payload: .init(event: 1, isEnd: true, volume: 0, duration: 800), arrival: ms(0)))?.last?.durationMilliseconds == 100)
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: -1, packetInterval: .zero))
        #expect(sender.configuration.intervalUnits == 160)
        sender.enqueue(.one, duration: .milliseconds(40))
        #expect(sender.tick(timestamp: 0).count == 1)
    }
}
