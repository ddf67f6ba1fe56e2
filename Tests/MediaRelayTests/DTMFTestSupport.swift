import DTMF
import NIOConcurrencyHelpers
import NIOCore
import Transcoding
@testable import MediaRelay

/// Reads a session's events in the background and keeps the DTMF ones.
final class DTMFEventCollector: Sendable {
    private let box = NIOLockedValueBox<[(leg: MediaLeg, event: DTMFEvent)]>([])
    private let task: NIOLockedValueBox<Task<Void, Never>?> = NIOLockedValueBox(nil)

    init(_ session: MediaSession) {
        let box = self.box
        task.withLockedValue { $0 = Task {
            for await event in session.events {
                if case .dtmf(let leg, let digit) = event { box.withLockedValue { $0.append((leg, digit)) } }
            }
        } }
    }

    var events: [(leg: MediaLeg, event: DTMFEvent)] { box.withLockedValue { $0 } }

    /// Waits until `count` DTMF events were reported (or `timeout`); returns them.
    func wait(for count: Int, timeout: Duration = .seconds(5)) async throws -> [(leg: MediaLeg, event: DTMFEvent)] {
        let deadline = ContinuousClock.now + timeout
        while events.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        return events
    }
}

/// A telephone-event RTP packet as a peer sends it.
func telephoneEvent(payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, event: UInt8,
                    end: Bool, duration: UInt16, marker: Bool = false) -> [UInt8] {
    var packet: [UInt8] = [0x80, (marker ? 0x80 : 0) | payloadType, UInt8(sequenceNumber >> 8), UInt8(sequenceNumber & 0xFF)]
    packet += withUnsafeBytes(of: timestamp.bigEndian) { Array($0) }
    packet += withUnsafeBytes(of: ssrc.bigEndian) { Array($0) }
    packet += TelephoneEventPayload(event: event, isEnd: end, volume: 10, duration: duration).bytes
    return packet
}

/// Sends one digit as a well-behaved RFC 4733 sender: an update every 20 ms with cumulative
/// durations in `unitsPerSecond`, then three end packets. Returns the next sequence number.
@discardableResult
func sendDigit(_ event: UInt8, from peer: FakePeer, toPort port: Int, payloadType: UInt8, timestamp: UInt32,
               firstSequenceNumber: UInt16, milliseconds: Int, unitsPerSecond: Int, ssrc: UInt32 = 0xD0D0) async throws -> UInt16 {
    var sequence = firstSequenceNumber
    var elapsed = 20
    while elapsed < milliseconds {
        try await peer.send(telephoneEvent(payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc, event: event,
                                           end: false, duration: UInt16(elapsed * unitsPerSecond / 1000), marker: elapsed == 20), toPort: port)
        sequence &+= 1
        elapsed += 20
        try await Task.sleep(for: .milliseconds(20))
    }
    for _ in 0..<3 {
        try await peer.send(telephoneEvent(payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc, event: event,
                                           end: true, duration: UInt16(milliseconds * unitsPerSecond / 1000)), toPort: port)
        sequence &+= 1
        try await Task.sleep(for: .milliseconds(20))
    }
    return sequence
}

/// 20 ms PCMU frames: `tone` frames of a DTMF digit (spandsp), silence around them.
func pcmuFrames(silenceBefore: Int, tone digit: DTMFDigit, toneFrames: Int, silenceAfter: Int) throws -> [[UInt8]] {
    let codec = try CodecRegistry.standard.makeCodec(for: .pcmu)
    guard let generator = InBandDTMFGenerator() else { return [] }
    generator.enqueue(digit, milliseconds: toneFrames * 20)
    var frames: [[UInt8]] = []
    for index in 0..<(silenceBefore + toneFrames + silenceAfter) {
        var pcm = [Int16](repeating: 0, count: 160)
        if index >= silenceBefore { generator.fill(&pcm) }
        frames.append(try codec.encode(pcm))
    }
    return frames
}

/// The digits spandsp finds in PCMU payloads.
func detectDigits(inPCMU payloads: [[UInt8]]) throws -> [DTMFDigit] {
    let codec = try CodecRegistry.standard.makeCodec(for: .pcmu)
    guard let detector = InBandDTMFDetector() else { return [] }
    var digits: [DTMFDigit] = []
    for payload in payloads {
        let pcm = try codec.decode(payload)
        for event in detector.process(pcm, at: .now()) where event.phase == .start { digits.append(event.digit) }
    }
    return digits
}

/// The digits spandsp finds in Opus payloads (decoded, downmixed when stereo, to 8 kHz).
func detectDigits(inOpus payloads: [[UInt8]]) throws -> [DTMFDigit] {
    let opus = try CodecRegistry.standard.makeCodec(for: .opus)
    guard let detector = InBandDTMFDetector() else { return [] }
    let narrow = Resampler(from: opus.sampleRate, to: InBandDTMFDetector.sampleRate)
    var digits: [DTMFDigit] = []
    for payload in payloads {
        let decoded = try opus.decode(payload)
        var mono = decoded
        if opus.channels == 2 {
            mono = []
            for index in stride(from: 0, to: decoded.count - 1, by: 2) {
                let sum = Int(decoded[index]) + Int(decoded[index + 1])
                mono.append(Int16(truncatingIfNeeded: sum / 2))
            }
        }
        for event in detector.process(narrow.process(mono), at: .now()) where event.phase == .start { digits.append(event.digit) }
    }
    return digits
}

/// An RTP packet's fields.
struct SeenPacket {
    var payloadType: UInt8
    var marker: Bool
    var sequenceNumber: UInt16
    var timestamp: UInt32
    var ssrc: UInt32
    var payload: [UInt8]

    init(_ bytes: [UInt8]) {
        payloadType = bytes[1] & 0x7F
        marker = bytes[1] & 0x80 != 0
        sequenceNumber = be16(bytes, 2)
        timestamp = be32(bytes, 4)
        ssrc = be32(bytes, 8)
        payload = Array(bytes.dropFirst(12))
    }

    var eventEnd: Bool { payload.count >= 4 && payload[1] & 0x80 != 0 }
    var eventDuration: Int { payload.count >= 4 ? Int(payload[2]) << 8 | Int(payload[3]) : 0 }
    var eventCode: UInt8 { payload.first ?? 0xFF }
}
