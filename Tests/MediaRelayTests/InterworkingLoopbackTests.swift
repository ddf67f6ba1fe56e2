import DTMF
import NIOCore
import NIOPosix
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// `DTMFInterworking` driving a real session: what the call layer will do.
@Suite(.timeLimit(.minutes(1))) struct InterworkingLoopbackTests {
    @Test func infoFromASoftphoneReachesAnRFC4733DoorAsEventsAndEventsFromItBecomeINFO() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: 40), probationPackets: 3))
        let session = try await engine.allocateSession()
        let collector = DTMFEventCollector(session)
        let door = try await FakePeer.bind()
        let phone = try await FakePeer.bind()
        // Leg a: a door in RFC 4733 mode with PT 96; leg b: a softphone sending INFO, PT 101.
        try await session.configure(leg: .a, LegConfiguration(remote: door.address, codec: MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: 96)))
        try await session.configure(leg: .b, LegConfiguration(remote: phone.address, codec: MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: 101)))
        var machine = DTMFInterworking(doorRules: [.init(door: .a, sequence: [.one])], mediaForwardsTelephoneEvents: true)
        var actions = machine.configure(.a, .init(name: "door", mode: .rfc4733, telephoneEventNegotiated: true), at: .now())
        actions += machine.configure(.b, .init(name: "sipp", mode: .info, telephoneEventNegotiated: true, minimumDurationMilliseconds: 100), at: .now())
        for action in actions { try await session.perform(action) }

        let (answer, infoActions) = machine.receiveINFO(body: Array("Signal=1\r\nDuration=160\r\n".utf8),
                                                         contentTypeHeader: "application/dtmf-relay", on: .b, at: .now())
        #expect(answer.statusCode == 200)
        var handledByMedia = 0
        for action in infoActions where try await session.perform(action) { handledByMedia += 1 }
        #expect(handledByMedia == 1)
        #expect(infoActions.contains { if case .doorAction(let match) = $0 { match.party == "sipp" } else { false } })
        try await Task.sleep(for: .milliseconds(400))
        let events = door.received.map(SeenPacket.init)
        // 160 ms raised to the door's minimum (250 ms): updates at 20…240 ms, the end at 250 ms, two repeats.
        try #require(events.count == 15)
        #expect(events.allSatisfy { $0.payloadType == 96 && $0.eventCode == 1 })
        #expect(events.suffix(3).allSatisfy { $0.eventEnd && $0.eventDuration == 2000 }, "250 ms at 8 kHz")

        // The door sends a digit back as events (PT 96): the machine turns it into INFO for b,
        // and the media path swallows the events instead of forwarding them.
        try await sendDigit(9, from: door, toPort: session.localPort(.a), payloadType: 96, timestamp: 777,
                            firstSequenceNumber: 1, milliseconds: 100, unitsPerSecond: 8000)
        let reported = try await collector.wait(for: 2)
        var infos: [String] = []
        for (leg, event) in reported {
            for action in machine.receive(event, on: DTMFInterworking.Leg(leg)) where try await !session.perform(action) {
                if case .sendINFO(.b, _, let body, _) = action { infos.append(String(decoding: body, as: UTF8.self)) }
            }
        }
        #expect(infos == ["Signal=9\r\nDuration=100\r\n"])
        try await Task.sleep(for: .milliseconds(50))
        #expect(phone.received.isEmpty, "events from the door were swallowed: b takes INFO")
        await session.release()
        await door.close()
        await phone.close()
        await engine.shutdown()
    }
}
