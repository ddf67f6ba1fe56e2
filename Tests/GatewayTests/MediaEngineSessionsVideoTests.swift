import B2BUA
import Logging
import MediaRelay
import NIOPosix
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
