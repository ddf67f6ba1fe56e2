import DTMF
import NIOCore
import RTPCore
import Testing

@Suite struct TelephoneEventSenderTests {
    /// Ticks `sender` every interval from `timestamp` until it is idle; returns every packet with
    /// the tick index it left at.
    func drain(_ sender: inout TelephoneEventSender, from timestamp: UInt32, limit: Int = 500) -> [(tick: Int, packet: TelephoneEventPacket)] {
        var out: [(Int, TelephoneEventPacket)] = []
        var now = timestamp
        for tick in 0..<limit {
            out += sender.tick(timestamp: now).map { (tick, $0) }
            now &+= UInt32(sender.configuration.intervalUnits)
            if sender.isIdle { break }
        }
        return out
    }

    @Test(arguments: [(UInt8(101), 8000), (96, 8000), (126, 48000), (101, 48000)])
    func digitFollowsTheSenderRules(_ payloadType: UInt8, _ clockRate: Int) throws {
        var sender = TelephoneEventSender(configuration: .init(payloadType: payloadType, clockRate: clockRate))
        sender.enqueue(.one, duration: .milliseconds(200))
        let start: UInt32 = 0xFFFF_FF00  // wraps during the event
        let packets = drain(&sender, from: start)
        let interval = clockRate / 50
        // 10 packets of 20 ms (the 10th is the first end) and two more end packets.
        #expect(packets.count == 12)
        #expect(packets.map(\.packet.payloadType).allSatisfy { $0 == payloadType })
        #expect(packets.map(\.packet.marker) == [true] + Array(repeating: false, count: 11))
        #expect(packets.allSatisfy { $0.packet.timestamp == start })
        #expect(packets.map { Int($0.packet.payload.duration) } == (1...10).map { $0 * interval } + [10 * interval, 10 * interval])
        #expect(packets.map(\.packet.payload.isEnd) == Array(repeating: false, count: 9) + [true, true, true])
        #expect(packets.map(\.tick) == Array(0..<12), "one packet per interval, end repeats spaced")
        #expect(sender.resumeTimestamp == start &+ UInt32(10 * interval))
        #expect(!sender.suppressesAudio)
    }

    @Test func packetsWriteAsRTPInBothWays() throws {
        let packet = TelephoneEventPacket(payloadType: 126, marker: true, timestamp: 123_456,
                                          payload: .init(event: 11, isEnd: true, volume: 7, duration: 960))
        var buffer = ByteBuffer()
        #expect(try packet.write(to: &buffer, sequenceNumber: 77, ssrc: 0xABCD) == TelephoneEventPacket.length)
        var raw = [UInt8](repeating: 0xEE, count: 20)
        let written = raw.withUnsafeMutableBytes { packet.write(into: $0, sequenceNumber: 77, ssrc: 0xABCD) }
        #expect(written == 16)
        #expect(Array(raw.prefix(16)) == Array(buffer.readableBytesView))
        let header = try buffer.rtpHeader()
        #expect(header.payloadType == 126 && header.marker && header.sequenceNumber == 77 && header.timestamp == 123_456)
        #expect(Array(buffer.readableBytesView.suffix(4)) == [11, 0x87, 0x03, 0xC0])
        var short = [UInt8](repeating: 0, count: 15)
        #expect(short.withUnsafeMutableBytes { packet.write(into: $0, sequenceNumber: 1, ssrc: 1) } == 0)
    }

    @Test func openEndedDigitRunsUntilReleased() {
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: 8000))
        sender.enqueue(.pound)
        var packets: [TelephoneEventPacket] = []
        for tick in 0..<5 { packets += sender.tick(timestamp: UInt32(tick * 160)) }
        #expect(packets.allSatisfy { !$0.payload.isEnd })
        #expect(sender.suppressesAudio && sender.currentDigit == .pound)
        sender.release()
        for tick in 5..<9 { packets += sender.tick(timestamp: UInt32(tick * 160)) }
        #expect(packets.map(\.payload.isEnd) == [false, false, false, false, false, true, true, true])
        #expect(packets.last?.payload.duration == 800, "released after five intervals: 100 ms")
        #expect(sender.isIdle)
    }

    @Test func callEndingMidDigitSendsThreeEndPackets() {
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: 8000))
        sender.enqueue(.five, duration: .seconds(1))
        sender.enqueue(.six, duration: .seconds(1))
        var packets: [TelephoneEventPacket] = []
        for tick in 0..<3 { packets += sender.tick(timestamp: 8000 + UInt32(tick * 160)) }
        let final = sender.finish()
        #expect(final.count == 3)
        #expect(final.allSatisfy { $0.payload.isEnd && $0.payload.duration == 480 && $0.timestamp == 8000 && !$0.marker })
        #expect(sender.isIdle, "queued digits are dropped with the call")
        #expect(sender.finish().isEmpty)
        #expect(sender.resumeTimestamp == 8480)
    }

    @Test func finishAfterFirstEndSendsOnlyTheRemainingRepeats() {
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: 8000))
        sender.enqueue(.five, duration: .milliseconds(40))
        _ = sender.tick(timestamp: 0)
        let firstEnd = sender.tick(timestamp: 160)
        #expect(firstEnd.map(\.payload.isEnd) == [true])
        #expect(sender.finish().count == 2)
    }

    @Test func longEventIsSplitIntoSegments() {
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: 48000, packetInterval: .milliseconds(20)))
        sender.enqueue(.one, duration: .seconds(2))
        let packets = drain(&sender, from: 5000).map(\.packet)
        let segments = Dictionary(grouping: packets, by: \.timestamp)
        #expect(segments.keys.sorted() == [5000, 5000 + 65535])
        #expect(segments[5000]?.map(\.payload.duration).max() == 65535)
        #expect(segments[5000]?.allSatisfy { !$0.payload.isEnd } == true)
        #expect(segments[5000]?.filter { $0.payload.duration == 65535 }.count == 3, "a segment's final packet three times")
        #expect(packets.filter(\.marker).count == 1)
        let last = packets.suffix(3)
        #expect(last.allSatisfy { $0.payload.isEnd && Int($0.payload.duration) == 96000 - 65535 })
        #expect(sender.resumeTimestamp == UInt32(101_000))
    }

    @Test func queuedDigitsFollowInOrderWithNewTimestamps() {
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: 8000))
        for digit in [DTMFDigit.one, .two, .three] { sender.enqueue(digit, duration: .milliseconds(100)) }
        let packets = drain(&sender, from: 0).map(\.packet)
        let starts = packets.filter(\.marker)
        #expect(starts.map(\.payload.event) == [1, 2, 3])
        #expect(Set(starts.map(\.timestamp)).count == 3)
        #expect(packets.filter(\.payload.isEnd).count == 9)
    }

    /// The sender's packets through the receiver, arriving every 20 ms: the same digit and duration.
    @Test(arguments: [(8000, 260), (48000, 260), (48000, 3000), (8000, 9000)])
    func senderAndReceiverAgree(_ clockRate: Int, _ milliseconds: Int) throws {
        var sender = TelephoneEventSender(configuration: .init(payloadType: 101, clockRate: clockRate, maximumOpenDuration: .seconds(20)))
        var receiver = TelephoneEventReceiver(configuration: .init(payloadType: 101, clockRate: clockRate))
        sender.enqueue(.seven, duration: .milliseconds(Int64(milliseconds)))
        var seen: [Seen] = []
        var sequence: UInt16 = 0
        for (tick, packet) in drain(&sender, from: 42, limit: 1000) {
            var buffer = ByteBuffer()
            try packet.write(to: &buffer, sequenceNumber: sequence, ssrc: 99)
            sequence &+= 1
            seen += try receiver.receive(packet: buffer, arrival: ms(tick * 20)).map(Seen.init)
        }
        #expect(seen == [Seen("7"), Seen("7", end: milliseconds)])
        #expect(receiver.effectiveClockRate == clockRate)
    }
}
