import Testing
import Transcoding
@testable import MediaRelay

@Suite struct MediaPortPoolTests {
    @Test func handsOutEvenPortsUntilExhausted() throws {
        var pool = try MediaPortPool(range: 40001...40009)
        #expect(pool.rtpPorts == [40002, 40004, 40006, 40008])
        var ports: [Int] = []
        for _ in 0..<4 { ports.append(try pool.allocate()) }
        #expect(ports == [40002, 40004, 40006, 40008])
        #expect(throws: MediaRelayError.portsExhausted) { try pool.allocate() }
        pool.release(40004)
        #expect(try pool.allocate() == 40004)
        #expect(pool.availableCount == 0)
    }

    @Test func reusesReleasedPortsLast() throws {
        var pool = try MediaPortPool(range: 40000...40007)
        let first = try pool.allocate()
        pool.release(first)
        #expect(try pool.allocate() == 40002, "round-robin: the just-released port is not handed out again at once")
    }

    @Test func rejectsBadRanges() {
        #expect(throws: MediaRelayError.invalidPortRange) { try MediaPortPool(range: 80...90) }
        #expect(throws: MediaRelayError.invalidPortRange) { try MediaPortPool(range: 40001...40002) }
    }
}

@Suite struct SymmetricLatchTests {
    typealias Latch = SymmetricLatch<String>
    static let ms: UInt64 = 1_000_000

    @Test func sdpAddressLatchesAtOnce() {
        var latch = Latch(sdpAddress: "sdp", probationPackets: 3)
        #expect(latch.observe(source: "sdp", now: 0) == .latched("sdp"))
        #expect(latch.observe(source: "sdp", now: 20 * Self.ms) == .accept)
    }

    @Test func natSourceTakesOverAfterProbationOnly() {
        var latch = Latch(sdpAddress: "private", probationPackets: 3, probationWindow: 1000 * Self.ms)
        #expect(latch.observe(source: "nat", now: 0) == .drop)
        #expect(latch.observe(source: "nat", now: 20 * Self.ms) == .drop)
        #expect(latch.target == "private")
        #expect(latch.observe(source: "nat", now: 40 * Self.ms) == .latched("nat"))
        #expect(latch.target == "nat")
        #expect(latch.observe(source: "nat", now: 60 * Self.ms) == .accept)
    }

    @Test func singleStrayPacketDoesNotHijack() {
        var latch = Latch(sdpAddress: "peer", probationPackets: 3)
        _ = latch.observe(source: "peer", now: 0)
        #expect(latch.observe(source: "attacker", now: 1) == .drop)
        #expect(latch.observe(source: "peer", now: 2) == .accept)
        // Interleaved with the real peer, the stray's count restarts.
        #expect(latch.observe(source: "attacker", now: 3) == .drop)
        #expect(latch.observe(source: "attacker", now: 4) == .drop)
        #expect(latch.observe(source: "peer", now: 5) == .accept)
        #expect(latch.observe(source: "attacker", now: 6) == .drop)
        #expect(latch.target == "peer")
    }

    @Test func probationWindowExpires() {
        var latch = Latch(sdpAddress: "peer", probationPackets: 2, probationWindow: 100 * Self.ms)
        _ = latch.observe(source: "peer", now: 0)
        #expect(latch.observe(source: "new", now: 0) == .drop)
        #expect(latch.observe(source: "new", now: 500 * Self.ms) == .drop, "too slow: probation restarts")
        #expect(latch.observe(source: "new", now: 550 * Self.ms) == .latched("new"))
    }

    @Test func relatchTakesTheNewSDPAddress() {
        var latch = Latch(sdpAddress: "old", probationPackets: 3)
        _ = latch.observe(source: "old", now: 0)
        latch.relatch(sdpAddress: "moved")
        #expect(!latch.isLatched)
        #expect(latch.target == "moved")
        #expect(latch.observe(source: "moved", now: 1) == .latched("moved"))
    }
}

@Suite struct PayloadRouterTests {
    @Test func sameCodecForwardsWithTheEgressPayloadType() {
        let router = PayloadRouter(
            ingress: MediaCodec(payloadType: 111, format: .opus),
            egress: MediaCodec(payloadType: 96, format: CodecFormat(encodingName: "OPUS", clockRate: 48000, channels: 2)))
        #expect(!router.needsTranscoding)
        #expect(router.route(payloadType: 111) == .forward(payloadType: 96))
        #expect(router.route(payloadType: 0) == .drop)
    }

    @Test func telephoneEventsFollowTheEgressPayloadType() {
        let same = PayloadRouter(
            ingress: MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: 101),
            egress: MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: 96))
        #expect(same.route(payloadType: 101) == .forward(payloadType: 96))
        let noEvents = PayloadRouter(
            ingress: MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: 101),
            egress: MediaCodec(payloadType: 0, format: .pcmu))
        #expect(noEvents.route(payloadType: 101) == .drop)
        let transcoded = PayloadRouter(
            ingress: MediaCodec(payloadType: 0, format: .pcmu, telephoneEventPayloadType: 101),
            egress: MediaCodec(payloadType: 111, format: .opus, telephoneEventPayloadType: 101))
        #expect(transcoded.route(payloadType: 101) == .drop)
    }

    @Test func differentCodecsTranscode() {
        let router = PayloadRouter(ingress: MediaCodec(payloadType: 0, format: .pcmu), egress: MediaCodec(payloadType: 111, format: .opus))
        #expect(router.needsTranscoding)
        #expect(router.route(payloadType: 0) == .transcode)
        #expect(router.route(payloadType: 8) == .drop)
    }

    @Test func encodingNamesCompareCaseInsensitively() {
        func codec(_ name: String, _ clock: Int = 8000) -> MediaCodec {
            MediaCodec(payloadType: 96, format: CodecFormat(encodingName: name, clockRate: clock))
        }
        #expect(codec("PCMU").isRelayCompatible(with: codec("pcmu")))
        #expect(codec("telephone-EVENT").isRelayCompatible(with: codec("Telephone-event")))
        #expect(!codec("PCMU").isRelayCompatible(with: codec("PCMA")))
        #expect(!codec("PCMU").isRelayCompatible(with: codec("PCMU", 16000)))
        #expect(!codec("G72@").isRelayCompatible(with: codec("G72`")), "only letters fold")
        #expect(!codec("G722").isRelayCompatible(with: codec("G7221")))
        #expect(codec("ÄUDIO").isRelayCompatible(with: codec("äudio")), "non-ASCII names still fold")
    }
}
