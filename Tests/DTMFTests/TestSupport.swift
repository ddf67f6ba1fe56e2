import DTMF
import NIOCore
import RTPCore

/// Test time: `ms(x)` is x milliseconds after an arbitrary origin.
func ms(_ milliseconds: Int) -> NIODeadline {
    .uptimeNanoseconds(UInt64(1_000_000_000 + milliseconds * 1_000_000))
}

/// One telephone-event packet of a test stream, as a peer sent it.
struct EventPacket {
    var arrival: Int
    var timestamp: UInt32
    var event: UInt8
    var end: Bool
    var duration: UInt16
    var marker = false
    var ssrc: UInt32 = 0xCAFE_0001

    /// The whole RTP packet.
    func bytes(payloadType: UInt8, sequenceNumber: UInt16) -> [UInt8] {
        var buffer = ByteBuffer()
        let builder = RTPPacketBuilder(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
        _ = try? builder.write(payload: TelephoneEventPayload(event: event, isEnd: end, volume: 10, duration: duration).bytes, to: &buffer)
        return Array(buffer.readableBytesView)
    }
}

/// A digit as a sender following RFC 4733 emits it: updates every `interval` ms with cumulative
/// durations counted at `unitsPerSecond`, then three end packets, all arriving on time.
func standardDigit(_ event: UInt8, timestamp: UInt32, at start: Int, milliseconds: Int, interval: Int = 20,
                   unitsPerSecond: Int = 8000, marker: Bool = true) -> [EventPacket] {
    var packets: [EventPacket] = []
    var elapsed = interval
    while elapsed < milliseconds {
        packets.append(EventPacket(arrival: start + elapsed - interval, timestamp: timestamp, event: event, end: false,
                                   duration: UInt16(elapsed * unitsPerSecond / 1000), marker: marker && packets.isEmpty))
        elapsed += interval
    }
    for repeatIndex in 0..<3 {
        packets.append(EventPacket(arrival: start + milliseconds - interval + repeatIndex * interval, timestamp: timestamp, event: event,
                                   end: true, duration: UInt16(milliseconds * unitsPerSecond / 1000)))
    }
    return packets
}

/// What a receiver output, in comparable form.
struct Seen: Hashable, Sendable, CustomStringConvertible {
    var digit: String
    var end: Int?
    var synthesized = false

    init(_ digit: String, end: Int? = nil, synthesized: Bool = false) {
        self.digit = digit
        self.end = end
        self.synthesized = synthesized
    }

    init(_ event: DTMFEvent) {
        digit = event.digit.description
        end = event.durationMilliseconds
        synthesized = event.endSynthesized
    }

    var description: String { end.map { "\(digit) end \($0)\(synthesized ? " synth" : "")" } ?? "\(digit) start" }
}

/// Feeds `packets` through a receiver as whole RTP packets and collects what it reports;
/// `tickAt` adds tick calls at those times (merged in arrival order).
func run(_ packets: [EventPacket], configuration: TelephoneEventReceiver.Configuration, tickAt ticks: [Int] = [],
         receiver: inout TelephoneEventReceiver) throws -> [Seen] {
    var seen: [Seen] = []
    var sequence: UInt16 = 1000
    var pendingTicks = ticks.sorted()
    for packet in packets {
        while let tick = pendingTicks.first, tick < packet.arrival {
            seen += receiver.tick(now: ms(tick)).map(Seen.init)
            pendingTicks.removeFirst()
        }
        let bytes = packet.bytes(payloadType: configuration.payloadType, sequenceNumber: sequence)
        sequence &+= 1
        seen += try bytes.withUnsafeBytes { try receiver.receive(packet: $0, arrival: ms(packet.arrival)) }.map(Seen.init)
    }
    for tick in pendingTicks { seen += receiver.tick(now: ms(tick)).map(Seen.init) }
    return seen
}
