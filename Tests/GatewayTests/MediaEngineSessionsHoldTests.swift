import MediaRelay
import SDP
import Testing
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
