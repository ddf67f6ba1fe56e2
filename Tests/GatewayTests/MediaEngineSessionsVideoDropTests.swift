import B2BUA
import Logging
import MediaRelay
import NIOPosix
import SDP
import Testing
import TestSupport
@testable import Gateway

/// A side dropping video (port 0 in a re-offer, RFC 3264 §8.2) on the real engine through the
/// queued path the call takes (``MediaEngineSessions/updateNow(callID:plan:)``): the video
/// stream stops both ways, as ``MediaEngineSessions/update(callID:plan:)`` does, and comes back
/// when a later plan gives both sides video again.
@Suite struct MediaEngineSessionsVideoDropTests {
    @Test func droppedVideoIsNoLongerRelayedEitherWayUntilBothSidesHaveItAgain() async throws {
        let engine = try MediaEngine(group: MultiThreadedEventLoopGroup.singleton,
                                     configuration: .init(portRange: FreePorts.range(count: 8), portQuarantine: .zero))
        let sessions = MediaEngineSessions(engine: engine, address: "127.0.0.1", logger: Logger(label: "test"))
        let door = try LoopbackPeer(), phone = try LoopbackPeer()
        do {
            _ = try await sessions.allocate(callID: "v-drop", callerStreams: 1, calleeStreams: 1)
            let ports = try await sessions.allocateVideo(callID: "v-drop")
            let video = try #require(sessions.videoSessions.withLock { $0["v-drop"] })
            let doorSession = try Self.session(videoPort: door.port)
            let both = MediaPlan(caller: .init(localPorts: [], session: doorSession),
                                 callee: .init(localPorts: [], session: try Self.session(videoPort: phone.port)), isEarly: false)
            sessions.updateNow(callID: "v-drop", plan: both)
            try await video.eventLoop.submit {}.get()  // the queued configuration ran
            #expect(try Self.relays(from: door, to: phone, port: Int(ports.callerPort), sequence: 1), "relayed once configured")
            #expect(try Self.relays(from: phone, to: door, port: Int(ports.calleePort), sequence: 1))

            // The phone's re-offer drops the video: the door's video must not reach it, nor the reverse.
            let dropped = MediaPlan(caller: .init(localPorts: [], session: doorSession),
                                    callee: .init(localPorts: [], session: try Self.session(videoPort: nil)), isEarly: false)
            sessions.updateNow(callID: "v-drop", plan: dropped)
            try await video.eventLoop.submit {}.get()
            #expect(try Self.relays(from: door, to: phone, port: Int(ports.callerPort), sequence: 2) == false, "inactive after the drop")
            #expect(try Self.relays(from: phone, to: door, port: Int(ports.calleePort), sequence: 2) == false)

            // Added back on both sides: relayed again.
            sessions.updateNow(callID: "v-drop", plan: both)
            try await video.eventLoop.submit {}.get()
            #expect(try Self.relays(from: door, to: phone, port: Int(ports.callerPort), sequence: 3))
            await sessions.release(callID: "v-drop")
        } catch {
            await engine.shutdown()
            throw error
        }
        await engine.shutdown()
    }

    /// The gateway's answer to a peer at 127.0.0.1 offering PCMU on port 20000 and, when
    /// `videoPort` is given, H.264 there (else audio only).
    static func session(videoPort: Int?) throws -> NegotiatedSession {
        let profile = SDP.MediaProfile(name: "phone", audioCodecs: [.pcmu], videoCodecs: [.h264], video: .pass)
        let offer = Negotiator(profile: profile).offer(
            local: LocalMedia(address: "127.0.0.1", ports: [20000, UInt16(videoPort ?? 0)], sessionID: "1"),
            media: videoPort == nil ? [.audio] : [.audio, .video])
        return try Negotiator(profile: profile).answer(
            to: offer, local: LocalMedia(address: "127.0.0.1", ports: [30000, 30002], sessionID: "2")).session
    }

    /// Sends one H.264 RTP packet (payload type 96, as negotiated) from `sender` to the gateway's
    /// `port`; true when `receiver` gets it within 300 ms.
    static func relays(from sender: LoopbackPeer, to receiver: LoopbackPeer, port: Int, sequence: UInt8) throws -> Bool {
        let packet: [UInt8] = [0x80, 0x80 | 96, 0, sequence, 0, 0, 0, sequence, 0x0D, 0x00, 0xCA, 0xFE, 0x41] + [UInt8](repeating: sequence, count: 40)
        try sender.send(packet, to: port)
        return receiver.receive(within: .milliseconds(300)) != nil
    }
}
