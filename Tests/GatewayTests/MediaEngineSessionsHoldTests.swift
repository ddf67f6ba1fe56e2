import B2BUA
import Logging
import MediaRelay
import NIOPosix
import SDP
import Testing
import TestSupport
@testable import Gateway

/// Hold reaches the media engine: the direction negotiated with a leg becomes that leg's
/// ``MediaLegDirection`` (RFC 3264 §6.1, seen from the gateway).
@Suite struct MediaEngineSessionsHoldTests {
    static let profile = SDP.MediaProfile(name: "phone", audioCodecs: [.pcmu])

    @Test(arguments: [(MediaDirection.sendonly, MediaLegDirection.recvonly), (.inactive, .inactive), (.sendrecv, .sendrecv)])
    func aPeersHoldOfferConfiguresTheLeg(_ offered: MediaDirection, _ expected: MediaLegDirection) throws {
        // The peer offers hold; the gateway answers (mirrored) and the leg gets the answer's direction.
        let peer = Negotiator(profile: Self.profile)
        let offer = peer.offer(local: LocalMedia(address: "127.0.0.1", ports: [20000], sessionID: "1", direction: offered))
        let answer = try Negotiator(profile: Self.profile).answer(
            to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2"))
        #expect(try MediaEngineSessions.configuration(answer.session)?.direction == expected)
    }

    @Test func theGatewaysOwnHoldOfferMakesTheLegSendOnly() throws {
        // The gateway passes a hold on: it offers sendonly, the held phone answers recvonly.
        let gateway = Negotiator(profile: Self.profile)
        let offer = gateway.offer(local: LocalMedia(address: "127.0.0.1", ports: [20000], sessionID: "1", direction: .sendonly))
        let answer = try Negotiator(profile: Self.profile).answer(
            to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2"))
        let session = try gateway.negotiate(offer: offer, answer: answer.description)
        let leg = try #require(try MediaEngineSessions.configuration(session))
        #expect(leg.direction == .sendonly)
        #expect(leg.direction.sends && !leg.direction.receives)
    }
}

extension MediaEngineSessionsHoldTests {
    @Test func anRFC2543HoldChangesTheDirectionOnly() throws {
        var held = Negotiator(profile: Self.profile).offer(local: LocalMedia(address: "0.0.0.0", ports: [20000], sessionID: "1"))
        held.origin.sessionVersion = "2"
        let answer = try Negotiator(profile: Self.profile).answer(
            to: held, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2"))
        #expect(try MediaEngineSessions.configuration(answer.session) == nil, "no address to configure")
        let direction = try #require(MediaEngineSessions.addresslessDirection(answer.session))
        #expect(!direction.sends, "nothing toward the holder")
        let plain = Negotiator(profile: Self.profile).offer(local: LocalMedia(address: "127.0.0.1", ports: [20000], sessionID: "1"))
        let normal = try Negotiator(profile: Self.profile).answer(to: plain, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2"))
        #expect(MediaEngineSessions.addresslessDirection(normal.session) == nil)
    }
}

extension MediaEngineSessionsHoldTests {
    /// The phone's answer from `address` (its port 20000, PCMU) to the gateway's offer.
    static func session(address: String, port: Int) throws -> NegotiatedSession {
        var offer = Negotiator(profile: profile).offer(local: LocalMedia(address: address, ports: [UInt16(port)], sessionID: "1"))
        offer.origin.sessionVersion = "2"
        return try Negotiator(profile: profile).answer(
            to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000], sessionID: "2")).session
    }

    @Test func anRFC2543HoldStopsTheRelayTowardTheHolderOnTheQueuedPath() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton,
                                     configuration: .init(portRange: FreePorts.range(count: 4), portQuarantine: .zero))
        let sessions = MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: Logger(label: "test"))
        let door = try LoopbackPeer(), phone = try LoopbackPeer()
        do {
            let ports = try sessions.allocateAudioNow(callID: "h-2543", callerSRTP: false, calleeSRTP: false)
            let audio = try #require(sessions.session(callID: "h-2543"))
            let doorSession = try Self.session(address: "127.0.0.1", port: door.port)
            let talking = MediaPlan(caller: .init(localPorts: [], session: doorSession),
                                    callee: .init(localPorts: [], session: try Self.session(address: "127.0.0.1", port: phone.port)),
                                    isEarly: false)
            sessions.updateNow(callID: "h-2543", plan: talking)
            try await audio.eventLoop.submit {}.get()
            let toPhone = Int(ports.callerPorts[0])
            #expect(try Self.relays(from: door, to: phone, port: toPhone, sequence: 1), "relayed once configured")
            // The phone holds with c=0.0.0.0 (RFC 3264 §8.4, the RFC 2543 form): nothing goes to it.
            let held = MediaPlan(caller: .init(localPorts: [], session: doorSession),
                                 callee: .init(localPorts: [], session: try Self.session(address: "0.0.0.0", port: phone.port)),
                                 isEarly: false)
            sessions.updateNow(callID: "h-2543", plan: held)
            try await audio.eventLoop.submit {}.get()
            #expect(try Self.relays(from: door, to: phone, port: toPhone, sequence: 2) == false, "nothing toward the holder")
            // Resumed with its address: relayed again.
            sessions.updateNow(callID: "h-2543", plan: talking)
            try await audio.eventLoop.submit {}.get()
            #expect(try Self.relays(from: door, to: phone, port: toPhone, sequence: 3))
            sessions.releaseNow(callID: "h-2543")
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }

    /// Sends one PCMU packet from `sender` to the gateway's `port`; true when `receiver` gets
    /// it within 300 ms.
    static func relays(from sender: LoopbackPeer, to receiver: LoopbackPeer, port: Int, sequence: UInt8) throws -> Bool {
        try sender.send([0x80, 0, 0, sequence, 0, 0, sequence, 0, 0, 0, 0x0B, 0x0B] + [UInt8](repeating: 0xFF, count: 160), to: port)
        return receiver.receive(within: .milliseconds(300)) != nil
    }
}
