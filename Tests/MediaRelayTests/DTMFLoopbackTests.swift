import DTMF
import NIOCore
import NIOPosix
import SecureRTP
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// Real RTP over loopback: telephone-events decoded and forwarded or swallowed, events sent
/// on a leg with its own payload type, clock and stream, in-band detection and generation.
@Suite(.timeLimit(.minutes(1))) struct DTMFLoopbackTests {
    func engine(ports: Int = 40) throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: ports), probationPackets: 3))
    }

    func pcmu(_ eventType: UInt8?) -> MediaCodec { MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: eventType) }
    func opus(_ eventType: UInt8?) -> MediaCodec { MediaCodec(payloadType: 111, format: .opus, telephoneEventPayloadType: eventType) }

    @Test(arguments: [UInt8(101), 96, 126])
    func telephoneEventsAreReportedAndForwardedOrSwallowed(payloadType: UInt8) async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let collector = DTMFEventCollector(session)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        // Leg b declares another payload type: forwarded events take b's, never a's.
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: pcmu(payloadType)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: pcmu(100)))
        let port = session.localPort(.a)
        var sequence = try await sendDigit(1, from: peerA, toPort: port, payloadType: payloadType, timestamp: 16000,
                                           firstSequenceNumber: 10, milliseconds: 120, unitsPerSecond: 8000)
        let reported = try await collector.wait(for: 2)
        try #require(reported.count == 2)
        #expect(reported.allSatisfy { $0.leg == .a && $0.event.method == .rfc4733 && $0.event.digit == .one })
        #expect(reported[0].event.phase == .start)
        #expect(reported[1].event.durationMilliseconds == 120 && !reported[1].event.endSynthesized, "one end for three E packets")
        let forwarded = try await peerB.waitForPackets(8).map(SeenPacket.init)
        #expect(forwarded.count == 8)
        #expect(forwarded.allSatisfy { $0.payloadType == 100 }, "forwarded with leg b's payload type")

        // A leg set to convert swallows them; they are still reported.
        try await session.configureDTMF(leg: .a, LegDTMFConfiguration(swallowsTelephoneEvents: true))
        sequence = try await sendDigit(11, from: peerA, toPort: port, payloadType: payloadType, timestamp: 32000,
                                       firstSequenceNumber: sequence, milliseconds: 80, unitsPerSecond: 8000)
        let more = try await collector.wait(for: 4)
        #expect(more.dropFirst(2).map(\.event.digit) == [.pound, .pound])
        try await Task.sleep(for: .milliseconds(50))
        #expect(peerB.received.count == 8, "nothing more reached leg b")
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func opusLegAt48000IsReadInItsClockAndSilenceEndsAnEvent() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let collector = DTMFEventCollector(session)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: opus(126)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: pcmu(101)))
        try await session.configureDTMF(leg: .a, LegDTMFConfiguration(silenceTimeout: .milliseconds(150)))
        try await sendDigit(5, from: peerA, toPort: session.localPort(.a), payloadType: 126, timestamp: 480_000,
                            firstSequenceNumber: 1, milliseconds: 200, unitsPerSecond: 48000)
        // A digit whose end packets are lost: ended after the silence timeout.
        for step in 1...3 {
            try await peerA.send(telephoneEvent(payloadType: 126, sequenceNumber: UInt16(20 + step), timestamp: 960_000, ssrc: 0xD0D0,
                                                event: 9, end: false, duration: UInt16(step * 960)), toPort: session.localPort(.a))
        }
        // (Back to back: a loaded machine stretching 20 ms sleeps could make the receiver's
        // plausibility check read three packets as another clock rate.)
        let reported = try await collector.wait(for: 4)
        try #require(reported.count == 4)
        #expect(reported[1].event.durationMilliseconds == 200, "48 kHz units read at the Opus leg's clock")
        #expect(reported[2].event.digit == .nine && reported[2].event.phase == .start)
        #expect(reported[3].event.endSynthesized)
        #expect(reported[3].event.durationMilliseconds == 60, "3 × 960 units at 48 kHz: \(reported.map(\.event))")
        #expect(peerB.received.isEmpty, "a transcoded direction never forwards events")
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func digitSentOnARelayedLegKeepsItsStreamAndResumesAudioPastTheEvent() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: pcmu(101)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: pcmu(96), outgoingSSRC: 0xB0B0))
        let port = session.localPort(.a)
        let audio = Task {
            for step in 0..<30 {
                try await peerA.send(rtp(sequenceNumber: 1000 + UInt16(step), timestamp: 5000 + UInt32(step) * 160, ssrc: 0xAAAA), toPort: port)
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        try await session.sendDigit(.five, on: .b, duration: .milliseconds(100))
        try await audio.value
        try await Task.sleep(for: .milliseconds(100))
        let packets = peerB.received.map(SeenPacket.init)
        let events = packets.filter { $0.payloadType == 96 }
        try #require(events.count == 7, "updates at 20, 40, 60, 80 ms, the end at 100 ms, and its two repeats")
        #expect(packets.allSatisfy { $0.ssrc == 0xB0B0 }, "the leg's outgoing SSRC")
        for index in 1..<packets.count {
            #expect(packets[index].sequenceNumber == packets[index - 1].sequenceNumber &+ 1, "one sequence space, no gap")
        }
        #expect(events[0].marker && events.dropFirst().allSatisfy { !$0.marker }, "marker on the first event packet only")
        #expect(Set(events.map(\.timestamp)).count == 1, "one timestamp per event")
        #expect(events.allSatisfy { $0.eventCode == 5 })
        let durations = events.map(\.eventDuration)
        #expect(durations == durations.sorted() && durations.first == 160, "cumulative, 20 ms at 8 kHz first")
        #expect(events.suffix(3).allSatisfy { $0.eventEnd && $0.eventDuration == 800 }, "three end packets of 100 ms")
        #expect(events.dropLast(3).allSatisfy { !$0.eventEnd })
        #expect(durations == [160, 320, 480, 640, 800, 800, 800])
        let first = try #require(packets.firstIndex { $0.payloadType == 96 })
        let last = try #require(packets.lastIndex { $0.payloadType == 96 })
        #expect(packets[first...last].allSatisfy { $0.payloadType == 96 }, "no audio inside the event")
        let after = try #require(packets.dropFirst(last + 1).first, "audio resumes")
        #expect(after.payloadType == 0 && after.marker)
        #expect(RTPTimestampTest.distance(from: events[0].timestamp, to: after.timestamp) >= 800, "audio timestamps continue past the event")
        #expect(first > 0 && RTPTimestampTest.distance(from: packets[first - 1].timestamp, to: events[0].timestamp) > 0)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func eventsToAnSRTPLegAreProtectedInItsStream() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession(rtcpMux: true)
        let peerA = try await FakePeer.bind()
        let phone = try await FakePeer.bind()
        let suite = SRTPCryptoSuite.aesCM128HMACSHA1_80
        let relayKey = SDESKeyParameters.generate(for: suite)
        let phoneKey = SDESKeyParameters.generate(for: suite)
        let phoneSRTP = try SRTPSession(suite: suite, localKey: phoneKey, remoteKey: relayKey)
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: pcmu(101)))
        try await session.configure(leg: .b, LegConfiguration(
            remote: phone.address, codec: pcmu(101), srtp: SRTPLegConfiguration(suite: suite, localKey: relayKey, remoteKey: phoneKey)))
        let port = session.localPort(.a)
        let audio = Task {
            for step in 0..<20 {
                try await peerA.send(rtp(sequenceNumber: 60 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA), toPort: port)
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        try await session.sendDigit(.zero, on: .b, duration: .milliseconds(60))
        try await audio.value
        try await Task.sleep(for: .milliseconds(100))
        var opened: [SeenPacket] = []
        for datagram in phone.received {
            var buffer = ByteBuffer(bytes: datagram)
            try phoneSRTP.unprotectRTP(&buffer)
            opened.append(SeenPacket(Array(buffer.readableBytesView)))
        }
        #expect(opened.filter { $0.payloadType == 101 }.count == 5, "every event packet authenticates")
        #expect(opened.last?.payloadType == 0, "and the audio after it")
        for index in 1..<opened.count { #expect(opened[index].sequenceNumber == opened[index - 1].sequenceNumber &+ 1) }
        await session.release()
        await peerA.close()
        await phone.close()
        await engine.shutdown()
    }

    @Test func digitOnATranscodedOpusLegUsesItsPayloadTypeAnd48kUnits() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: pcmu(101)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: opus(126)))
        let port = session.localPort(.a)
        let audio = Task {
            for step in 0..<25 {
                try await peerA.send(rtp(sequenceNumber: 1 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA), toPort: port)
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        try await session.sendDigit(.pound, on: .b, duration: .milliseconds(60))
        try await audio.value
        try await Task.sleep(for: .milliseconds(100))
        let packets = peerB.received.map(SeenPacket.init)
        let events = packets.filter { $0.payloadType == 126 }
        try #require(events.count == 5, "20, 40 ms, the end at 60 ms and two repeats")
        #expect(events.first?.eventDuration == 960, "20 ms at 48 kHz")
        #expect(events.suffix(3).allSatisfy { $0.eventEnd && $0.eventDuration == 2880 })
        #expect(events.allSatisfy { $0.eventCode == 11 })
        for index in 1..<packets.count {
            #expect(packets[index].sequenceNumber == packets[index - 1].sequenceNumber &+ 1, "events share the transcoded stream's sequence")
        }
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func releaseMidDigitSendsTheEnd() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: pcmu(101)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: pcmu(101)))
        try await session.startDigit(.one, on: .b)
        try await Task.sleep(for: .milliseconds(120))
        await session.release()
        try await Task.sleep(for: .milliseconds(50))
        let events = peerB.received.map(SeenPacket.init)
        try #require(events.count >= 6, "updates for 120 ms, then the end three times")
        #expect(events.suffix(3).allSatisfy { $0.eventEnd })
        #expect(events.dropLast(3).allSatisfy { !$0.eventEnd })
        #expect(Set(events.suffix(3).map(\.eventDuration)).count == 1)
        await #expect(throws: MediaDTMFError.sessionReleased) { try await session.sendDigit(.two, on: .b, duration: .milliseconds(100)) }
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func anOpenDigitStoppedEarlyLastsTheMinimum() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: pcmu(101)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: pcmu(101)))
        try await session.startDigit(.three, on: .b)
        try await Task.sleep(for: .milliseconds(30))
        try await session.stopDigit(on: .b, minimumDuration: .milliseconds(200))
        try await Task.sleep(for: .milliseconds(400))
        let events = peerB.received.map(SeenPacket.init)
        try #require(events.count >= 10)
        #expect(events.suffix(3).allSatisfy { $0.eventEnd && $0.eventDuration == 1600 }, "200 ms at 8 kHz")
        #expect(events.dropLast(3).allSatisfy { !$0.eventEnd })
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func durationsCountedAt48kUnderAn8000DeclarationAreCorrected() async throws {
        // baresip 1.0 with Opus: telephone-event/8000 declared, 48 kHz units sent (INTEROP.md).
        let engine = try engine()
        let session = try await engine.allocateSession()
        let collector = DTMFEventCollector(session)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: opus(101)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: pcmu(101)))
        try await session.configureDTMF(leg: .a, LegDTMFConfiguration(swallowsTelephoneEvents: true, telephoneEventClockRate: 8000))
        try await sendDigit(1, from: peerA, toPort: session.localPort(.a), payloadType: 101, timestamp: 1000,
                            firstSequenceNumber: 1, milliseconds: 240, unitsPerSecond: 48000)
        let reported = try await collector.wait(for: 2)
        try #require(reported.count == 2)
        let duration = try #require(reported[1].event.durationMilliseconds)
        #expect((200...280).contains(duration), "read at the measured 48 kHz, not 8 kHz (1440 ms): \(duration)")
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func sendingNeedsTelephoneEventOnThatLeg() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peer = try await FakePeer.bind()
        await #expect(throws: MediaDTMFError.legNotConfigured(.a)) { try await session.sendDigit(.one, on: .a, duration: .milliseconds(100)) }
        try await session.configure(leg: .a, LegConfiguration(remote: peer.address, codec: pcmu(nil)))
        await #expect(throws: MediaDTMFError.noTelephoneEvent(.a)) { try await session.sendDigit(.one, on: .a, duration: .milliseconds(100)) }
        await #expect(throws: MediaDTMFError.inBandUnavailable(.a)) { try await session.generateInBand(.one, on: .a, duration: .milliseconds(100)) }
        await session.release()
        await peer.close()
        await engine.shutdown()
    }
}

enum RTPTimestampTest {
    static func distance(from old: UInt32, to new: UInt32) -> Int { Int(Int32(bitPattern: new &- old)) }
}
