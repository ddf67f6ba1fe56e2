import B2BUA
import Logging
import MediaRelay
import NIOPosix
import SDP
import Testing
@testable import Gateway

/// Video ports reserved mid-call (RFC 3264 §8.2) on the real engine: a video session beside the
/// call's audio one, refused when the call has video already or the range is exhausted, and freed
/// by ``MediaEngineSessions/releaseVideo(callID:)`` for a new try.
@Suite struct MediaEngineSessionsVideoTests {
    /// Below the ephemeral range and the interop scripts' media ranges: room for two sessions
    /// (four RTP/RTCP pairs), i.e. one call's audio and video.
    static let range = 29600...29607

    @Test func aCallGetsVideoPortsOnceAndAgainAfterReleasingThem() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton,
                                     configuration: .init(portRange: Self.range, portQuarantine: .zero))
        let sessions = MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: Logger(label: "test"))
        do {
            await #expect(throws: MediaEngineSessions.VideoAddError.noCall) { try await sessions.allocateVideo(callID: "v-1") }
            let audio = try await sessions.allocate(callID: "v-1", callerStreams: 1, calleeStreams: 1)
            let video = try await sessions.allocateVideo(callID: "v-1")
            let all = audio.callerPorts + audio.calleePorts + [video.callerPort, video.calleePort]
            #expect(Set(all).count == 4 && all.allSatisfy { Self.range.contains(Int($0)) }, "\(all)")
            #expect(!video.callerCryptoKeys.isEmpty && video.callerCryptoKeys != video.calleeCryptoKeys,
                    "fresh SDES keys per side (RFC 4568 §6.1)")
            await #expect(throws: MediaEngineSessions.VideoAddError.videoInUse) { try await sessions.allocateVideo(callID: "v-1") }
            // A second call's audio takes nothing from a range this call fills.
            await #expect(throws: MediaRelayError.portsExhausted) {
                try await sessions.allocate(callID: "v-2", callerStreams: 1, calleeStreams: 1)
            }
            await sessions.releaseVideo(callID: "v-1")
            let again = try await sessions.allocateVideo(callID: "v-1")
            #expect(Self.range.contains(Int(again.callerPort)))
            await sessions.release(callID: "v-1")
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }

    /// A side's negotiated session: its offer answered by the gateway (audio, and video when
    /// `video`), from 127.0.0.1 ports 20000/20002.
    static func session(video: Bool) throws -> NegotiatedSession {
        let profile = SDP.MediaProfile(name: "phone", audioCodecs: [.pcmu], videoCodecs: [.h264], video: .pass)
        let offer = Negotiator(profile: profile).offer(
            local: LocalMedia(address: "127.0.0.1", ports: [20000, 20002], sessionID: "1"), media: video ? [.audio, .video] : [.audio])
        return try Negotiator(profile: profile).answer(
            to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000, 30002], sessionID: "2")).session
    }

    @Test func theVideoSessionIsConfiguredOnlyWhenBothSidesHaveVideo() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton, configuration: .init(portRange: 29612...29615))
        let sessions = MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: Logger(label: "test"))
        let (withVideo, audioOnly) = (try Self.session(video: true), try Self.session(video: false))
        // One side answered the added video, the other not yet: its audio must not go to the
        // video session (H.264 paired with PCMU is refused, and that leg's codec would stay).
        let half = MediaPlan(caller: .init(localPorts: [30000, 30002], session: withVideo),
                             callee: .init(localPorts: [30004], session: audioOnly), isEarly: false)
        #expect(sessions.videoLegs(half) == nil)
        let both = MediaPlan(caller: .init(localPorts: [30000, 30002], session: withVideo),
                             callee: .init(localPorts: [30004, 30006], session: withVideo), isEarly: false)
        let legs = try #require(sessions.videoLegs(both))
        #expect(legs.map(\.leg) == [.a, .b])
        #expect(legs.allSatisfy { $0.configuration.codec.format.encodingName == "H264" && $0.configuration.remote.port == 20002 })
        await engine.shutdown()
    }

    @Test func anExhaustedRangeRefusesTheVideo() async throws {
        // One session's worth of ports: the call's audio takes them all.
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton,
                                     configuration: .init(portRange: 29608...29611, portQuarantine: .zero))
        let sessions = MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: Logger(label: "test"))
        do {
            _ = try await sessions.allocate(callID: "v-3", callerStreams: 1, calleeStreams: 1)
            await #expect(throws: MediaRelayError.portsExhausted) { try await sessions.allocateVideo(callID: "v-3") }
            await sessions.release(callID: "v-3")
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }
}
