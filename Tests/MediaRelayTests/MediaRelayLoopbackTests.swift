import Foundation
import NIOCore
import NIOPosix
import SecureRTP
import Testing
import TestSupport
import Transcoding
@testable import MediaRelay

/// Two fake peers exchanging RTP through a real session over loopback UDP.
@Suite(.timeLimit(.minutes(1))) struct MediaRelayLoopbackTests {
    /// Each test gets its own free port range so parallel tests never share a pool.
    func engine(timeout: TimeAmount = .seconds(30), ports: Int = 40) throws -> MediaEngine {
        try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(
            bindHost: "127.0.0.1", portRange: FreePorts.range(count: ports), mediaTimeout: timeout, probationPackets: 3))
    }

    @Test func sameCodecRelayRewritesSSRCSequenceAndTimestamp() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu), outgoingSSRC: 0xB0B0_B0B0))

        for step in 0..<5 {
            try await peerA.send(rtp(sequenceNumber: 100 + UInt16(step), timestamp: 8000 + UInt32(step) * 160, ssrc: 0xAAAA), toPort: session.localPort(.a))
        }
        // A new source on leg A (early media → answer): another SSRC, sequence and timestamp.
        try await Task.sleep(for: .milliseconds(50))
        try await peerA.send(rtp(sequenceNumber: 9000, timestamp: 123_456, ssrc: 0xCCCC), toPort: session.localPort(.a))
        let received = try await peerB.waitForPackets(6)
        try #require(received.count == 6)
        #expect(received.allSatisfy { be32($0, 8) == 0xB0B0_B0B0 }, "one outgoing SSRC")
        let sequenceNumbers = received.map { be16($0, 2) }
        for index in 1..<6 { #expect(sequenceNumbers[index] == sequenceNumbers[0] &+ UInt16(index)) }
        let timestamps = received.map { be32($0, 4) }
        for index in 1..<5 { #expect(timestamps[index] &- timestamps[0] == UInt32(index) * 160) }
        #expect(timestamps[5] &- timestamps[4] >= 160, "the new source continues the clock")
        #expect(received[5][1] & 0x80 != 0, "marker bit on the new source")
        #expect(Array(received[0].dropFirst(12)) == Array(rtp(sequenceNumber: 100, timestamp: 0, ssrc: 0).dropFirst(12)))

        // And back: B → A.
        try await peerB.send(rtp(sequenceNumber: 1, timestamp: 1, ssrc: 0xBBBB), toPort: session.localPort(.b))
        try #require(try await peerA.waitForPackets(1).count == 1)
        let counters = try await session.counters(.a)
        #expect(counters.packetsReceived == 6)
        #expect(counters.packetsSent == 1)
        #expect(counters.latchedAddress == peerA.address)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func latchesToNATedSourceAfterProbationAndIgnoresAStray() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let stray = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        // Leg A's SDP names a private address nobody sends from (a phone behind NAT).
        let sdpAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        try await session.configure(leg: .a, LegConfiguration(remote: sdpAddress, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))

        try await stray.send(rtp(sequenceNumber: 1, timestamp: 0, ssrc: 0x5757), toPort: session.localPort(.a))
        for step in 0..<3 {
            try await peerA.send(rtp(sequenceNumber: 10 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA), toPort: session.localPort(.a))
        }
        let forwarded = try await peerB.waitForPackets(1)
        try await Task.sleep(for: .milliseconds(100))
        #expect(peerB.received.count == 1, "only the packet that completed probation is relayed")
        #expect(forwarded.first.map { be16($0, 2) } != nil)
        #expect(try await session.counters(.a).latchedAddress == peerA.address)

        // A single stray packet after latching does not move the stream.
        try await stray.send(rtp(sequenceNumber: 2, timestamp: 0, ssrc: 0x5757), toPort: session.localPort(.a))
        try await peerB.send(rtp(sequenceNumber: 50, timestamp: 0, ssrc: 0xBBBB), toPort: session.localPort(.b))
        try #require(try await peerA.waitForPackets(1).count == 1, "B's media reaches the NATed source")
        #expect(stray.received.isEmpty)
        let counters = try await session.counters(.a)
        #expect(counters.latchedAddress == peerA.address)
        #expect(counters.packetsDropped == 4, "three probation/stray packets before latching, one after")
        await session.release()
        for peer in [peerA, stray, peerB] { await peer.close() }
        await engine.shutdown()
    }

    /// Every SDES suite (RFC 4568 §6.2 and AEAD_AES_128_GCM, RFC 7714 §14.2) through the
    /// engine both ways, each on its own port range.
    @Test(arguments: [SRTPCryptoSuite.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM])
    func bridgesSRTPToPlainRTP(suite: SRTPCryptoSuite) async throws {
        let engine = try engine(ports: 20)
        let session = try await engine.allocateSession(rtcpMux: true)
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        let relayKey = SDESKeyParameters.generate(for: suite)
        let phoneKey = SDESKeyParameters.generate(for: suite)
        let phone = try SRTPSession(suite: suite, localKey: phoneKey, remoteKey: relayKey)
        try await session.configure(leg: .a, LegConfiguration(
            remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu),
            srtp: SRTPLegConfiguration(suite: suite, localKey: relayKey, remoteKey: phoneKey)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))

        let plain = rtp(sequenceNumber: 7, timestamp: 160, ssrc: 0xAAAA)
        var protected = ByteBuffer(bytes: plain)
        try phone.protectRTP(&protected)
        try await peerA.send(Array(protected.readableBytesView), toPort: session.localPort(.a))
        let atB = try await peerB.waitForPackets(1)
        try #require(atB.count == 1)
        #expect(atB[0].count == plain.count, "the tag is stripped")
        #expect(Array(atB[0].dropFirst(12)) == Array(plain.dropFirst(12)), "decrypted payload")

        // Plain RTP from B arrives at A as SRTP the phone can open.
        let fromB = rtp(sequenceNumber: 3, timestamp: 480, ssrc: 0xBBBB)
        try await peerB.send(fromB, toPort: session.localPort(.b))
        let atA = try await peerA.waitForPackets(1)
        try #require(atA.count == 1)
        #expect(atA[0].count == fromB.count + suite.rtpTagLength)
        var opened = ByteBuffer(bytes: atA[0])
        try phone.unprotectRTP(&opened)
        #expect(Array(opened.readableBytesView.dropFirst(12)) == Array(fromB.dropFirst(12)))

        // A replayed SRTP packet is counted and not relayed.
        try await peerA.send(Array(protected.readableBytesView), toPort: session.localPort(.a))
        try await Task.sleep(for: .milliseconds(100))
        #expect(peerB.received.count == 1)
        #expect(try await session.counters(.a).srtpFailures == 1)
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func transcodesPCMUToOpus() async throws {
        let engine = try engine()
        let session = try await engine.allocateSession()
        let peerA = try await FakePeer.bind()
        let peerB = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peerA.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        try await session.configure(leg: .b, LegConfiguration(remote: peerB.address, codec: MediaCodec(payloadType: 111, format: .opus)))
        let pcmu = try CodecRegistry.standard.makeCodec(for: .pcmu)
        for step in 0..<10 {
            // A 440 Hz tone, 20 ms per packet.
            let pcm = (0..<160).map { n in Int16(8000 * sin(2 * Double.pi * 440 * Double(step * 160 + n) / 8000)) }
            let payload = try pcmu.encode(pcm)
            try await peerA.send(rtp(sequenceNumber: 500 + UInt16(step), timestamp: UInt32(step) * 160, ssrc: 0xAAAA, payload: payload), toPort: session.localPort(.a))
            try await Task.sleep(for: .milliseconds(20))
        }
        let received = try await peerB.waitForPackets(8)
        try #require(received.count >= 8)
        #expect(received.allSatisfy { $0[1] & 0x7F == 111 })
        let timestamps = received.map { be32($0, 4) }
        for index in 1..<received.count { #expect(timestamps[index] &- timestamps[index - 1] == 960, "20 ms at 48 kHz") }
        let opus = try CodecRegistry.standard.makeCodec(for: .opus)
        for packet in received {
            let decoded = try opus.decode(Array(packet.dropFirst(12)))
            #expect(decoded.count == 960 * 2 || decoded.count == 960, "20 ms of decodable Opus")
        }
        await session.release()
        await peerA.close()
        await peerB.close()
        await engine.shutdown()
    }

    @Test func mediaTimeoutFires() async throws {
        let engine = try engine(timeout: .milliseconds(200))
        // Before the timer can be armed: a test task descheduled after `configure` (a parallel
        // run on a loaded machine) found the event already queued and measured 64 µs.
        let start = ContinuousClock.now
        let session = try await engine.allocateSession()
        let peer = try await FakePeer.bind()
        try await session.configure(leg: .a, LegConfiguration(remote: peer.address, codec: MediaCodec(payloadType: 0, format: .pcmu)))
        var timedOut: MediaLeg?
        for await event in session.events {
            if case .mediaTimeout(let leg) = event {
                timedOut = leg
                break
            }
        }
        #expect(timedOut == .a)
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        await session.release()
        await peer.close()
        await engine.shutdown()
    }

    @Test func portExhaustionIsAnError() async throws {
        // Four ports: two RTP/RTCP pairs, exactly one session.
        let engine = try engine(ports: 4)
        let session = try await engine.allocateSession()
        await #expect(throws: MediaRelayError.portsExhausted) { try await engine.allocateSession() }
        await session.release()
        #expect(engine.availablePorts == 2)
        let again = try await engine.allocateSession()
        await again.release()
        await engine.shutdown()
    }
}
