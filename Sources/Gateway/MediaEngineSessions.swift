import B2BUA
import Logging
import MediaRelay
import NIOCore
import SDP
import SecureRTP
import SIPCore
import Synchronization
import Transcoding

/// ``MediaSessionControlling`` on the real ``MediaEngine``: one ``MediaSession`` per stream of
/// a call, the caller on ``MediaLeg/a`` and the called leg on ``MediaLeg/b``: audio, and video
/// when the caller offers it second (`calleeStreams` 2); video is relayed untouched (same codec
/// both sides, INTEROP.md doors) or rejected with port 0 by the side that does not take it.
/// The lock guards the per-call table only (allocate, update, release: a few times per call,
/// never per packet).
@available(macOS 15.0, *)
final class MediaEngineSessions: MediaSessionControlling {
    let engine: MediaEngine
    let address: String
    let sessions = Mutex<[String: MediaSession]>([:])
    let videoSessions = Mutex<[String: MediaSession]>([:])
    let logger: Logger

    init(engine: MediaEngine, address: String, logger: Logger) {
        self.engine = engine
        self.address = address
        self.logger = logger
    }

    func allocate(callID: String, callerStreams: Int, calleeStreams: Int) async throws -> MediaAllocation {
        let session = try await engine.allocateSession()
        sessions.withLock { $0[callID] = session }
        var callerPorts = [UInt16(session.localPort(.a))]
        var calleePorts = [UInt16(session.localPort(.b))]
        if calleeStreams > 1, let video = try? await engine.allocateSession(kind: .video) {
            videoSessions.withLock { $0[callID] = video }
            callerPorts.append(UInt16(video.localPort(.a)))
            calleePorts.append(UInt16(video.localPort(.b)))
        }
        return allocation(callerPorts: callerPorts, calleePorts: calleePorts)
    }

    /// The ports with fresh SDES keys per side and stream (RFC 4568 §6.1: random, never shared
    /// between the two legs, which are separate SRTP sessions); used only where a leg's profile
    /// has SRTP, so a side that cannot use SRTP (`callerKeys`/`calleeKeys` false) gets none.
    func allocation(callerPorts: [UInt16], calleePorts: [UInt16], callerKeys: Bool = true,
                    calleeKeys: Bool = true) -> MediaAllocation {
        MediaAllocation(address: address, callerPorts: callerPorts, calleePorts: calleePorts,
                        callerCryptoKeys: callerKeys ? callerPorts.map { _ in Self.freshKeys() } : [],
                        calleeCryptoKeys: calleeKeys ? calleePorts.map { _ in Self.freshKeys() } : [],
                        sessionID: String(Self.sessionIDRandom()))
    }

    /// An `o=` session id (RFC 8866 §5.2) from the pooled CSPRNG: no system call per call.
    static func sessionIDRandom() -> UInt32 {
        var generator = PooledRandom()
        return UInt32.random(in: 1_000_000...UInt32.max, using: &generator)
    }

    /// One `inline:` key per supported suite, by suite name, for ``LocalMedia/cryptoKeys``.
    static func freshKeys() -> [String: String] {
        Dictionary(uniqueKeysWithValues: SRTPCryptoSuite.allCases.map {
            ($0.sdesName, SDESKeyParameters.generate(for: $0).description)
        })
    }

    /// The session of a call, for its events and counters.
    func session(callID: String) -> MediaSession? { sessions.withLock { $0[callID] } }

    /// Follows the call's media timeouts and digits, for ``CallService``'s `mediaEvents`: the
    /// session hands each event to `handler` on its media thread (no task per call), until
    /// `handler` returns false or the session is released.
    func follow(callID: String, _ handler: @escaping @Sendable (CallMediaEvent) -> Bool) {
        guard let session = session(callID: callID) else { return }
        let following = Following()
        session.onEvents { event in
            guard following.on.load(ordering: .relaxed) else { return }
            let mapped: CallMediaEvent
            switch event {
            case .mediaTimeout: mapped = .timeout
            case .dtmf(let leg, let digit): mapped = .dtmf(leg, digit)
            default: return
            }
            if !handler(mapped) { following.on.store(false, ordering: .relaxed) }
        }
    }

    /// Whether a ``follow(callID:_:)`` handler still wants events.
    private final class Following: Sendable {
        let on = Atomic<Bool>(true)
    }

    func update(callID: String, plan: MediaPlan) async throws {
        guard let session = session(callID: callID) else { return }
        // Both legs in one operation on the media loop (one hop per stream and update).
        var legs: [(leg: MediaLeg, configuration: LegConfiguration)] = []
        if let caller = configuration(plan.caller.session) { legs.append((.a, caller)) }
        if let callee = configuration(plan.callee.session) { legs.append((.b, callee)) }
        try await session.configure(legs)
        // RFC 2543 hold (c=0.0.0.0) has no address to configure: only the direction changes.
        let held = [(MediaLeg.a, plan.caller.session), (.b, plan.callee.session)].compactMap { leg, session in
            Self.addresslessDirection(session).map { (leg: leg, direction: $0) }
        }
        try await session.setDirection(held)
        if let video = videoSessions.withLock({ $0[callID] }) {
            if let legs = videoLegs(plan) {
                try await video.configure(legs)
            } else {
                // Video dropped by a side (port 0 in a re-offer): nothing relayed either way.
                try await video.setDirection([(leg: .a, direction: .inactive), (leg: .b, direction: .inactive)])
            }
        }
    }

    func release(callID: String) async {
        await videoSessions.withLock({ $0.removeValue(forKey: callID) })?.release()
        guard let session = sessions.withLock({ $0.removeValue(forKey: callID) }) else { return }
        // The per-leg counters, logged once per call (scripts/interop-calls reads them); read
        // with the release in one operation on the media loop, and only when they are logged.
        guard logger.logLevel <= .info else { return await session.release() }
        if let (caller, callee) = await session.releaseReadingCounters() {
            logger.info("media released", metadata: [
                "callID": "\(callID)", "a_rx": "\(caller.packetsReceived)", "a_tx": "\(caller.packetsSent)",
                "b_rx": "\(callee.packetsReceived)", "b_tx": "\(callee.packetsSent)",
                "dropped": "\(caller.packetsDropped + callee.packetsDropped)",
                "srtp_failures": "\(caller.srtpFailures + callee.srtpFailures)"])
        }
    }

    /// A leg's engine settings from a negotiated stream (audio by default): the peer's address and port,
    /// the codec with the payload type the peer gave it, its ptime and telephone-event PT, and
    /// the direction agreed with the peer (hold: nothing sent toward a held leg, no timeout on it).
    /// Nil when there is no audio, or the peer holds with 0.0.0.0 (RFC 3264 §8.4).
    /// Throws when the stream's SRTP keys cannot be loaded.
    static func configuration(_ session: NegotiatedSession, stream: NegotiatedStream? = nil) throws -> LegConfiguration? {
        guard let audio = stream ?? session.audio, let negotiated = audio.codec, let host = audio.remoteAddress,
              host != "0.0.0.0", audio.remotePort != 0,
              let remote = try? SocketAddress(ipAddress: host, port: Int(audio.remotePort)) else { return nil }
        let codec = negotiated.codec
        var format = CodecFormat(encodingName: codec.name, clockRate: codec.clockRate, channels: codec.channels)
        if let fmtp = negotiated.remoteFormatParameters {
            format = CodecFormat(encodingName: codec.name, clockRate: codec.clockRate, channels: codec.channels, fmtp: fmtp)
        }
        // telephone-event at the codec's clock, else at 8000 (baresip's Opus answers with
        // telephone-event/8000 only; the DTMF configuration then reads durations at 8000).
        let events = (audio.telephoneEvent(clockRate: codec.clockRate) ?? audio.telephoneEvent(clockRate: 8000))?.sendPayloadType
        return LegConfiguration(remote: remote, codec: MediaCodec(
            payloadType: negotiated.sendPayloadType, format: format, packetDuration: audio.remotePtime ?? 20,
            telephoneEventPayloadType: events), srtp: try srtp(audio.crypto),
            direction: MediaLegDirection(rawValue: audio.direction.rawValue) ?? .sendrecv)
    }

    /// Both legs of the video session, or nil unless both sides have video (``MediaPlan/videoRelayed``):
    /// a side without video must not configure the video session with its audio (the session
    /// would pair H.264 with an audio codec, refuse it, and keep that leg's codec, so that even
    /// the next plan with video on both sides failed, as each leg is configured in turn).
    func videoLegs(_ plan: MediaPlan) -> [(leg: MediaLeg, configuration: LegConfiguration)]? {
        guard plan.videoRelayed, let caller = configuration(plan.caller.session, stream: plan.caller.session.video),
              let callee = configuration(plan.callee.session, stream: plan.callee.session.video) else { return nil }
        return [(.a, caller), (.b, callee)]
    }

    /// The direction of an audio stream held with `c=0.0.0.0` (RFC 3264 §8.4 notes the RFC 2543
    /// form), which ``configuration(_:stream:)`` cannot configure; nil for any other stream.
    static func addresslessDirection(_ session: NegotiatedSession) -> MediaLegDirection? {
        guard let audio = session.audio, audio.remoteAddress == "0.0.0.0" else { return nil }
        return MediaLegDirection(rawValue: audio.direction.rawValue)
    }

    /// ``configuration(_:stream:)`` that logs and skips a leg whose SRTP keys do not load
    /// (the SDP layer checked the syntax; this checks the key length for the suite).
    func configuration(_ session: NegotiatedSession, stream: NegotiatedStream? = nil) -> LegConfiguration? {
        do {
            return try Self.configuration(session, stream: stream)
        } catch {
            logger.warning("SRTP keys not usable, leg not configured", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// The engine's SRTP settings for a negotiated SDES crypto line (RFC 4568 §6.1): the suite,
    /// our key (what we protect with) and the peer's first key (what we unprotect with).
    static func srtp(_ crypto: NegotiatedCrypto?) throws -> SRTPLegConfiguration? {
        guard let crypto else { return nil }
        guard let suite = SRTPCryptoSuite(sdesName: crypto.suite.uppercased()), let remote = crypto.remoteKeys.first else {
            throw SRTPError.badKey
        }
        return SRTPLegConfiguration(
            suite: suite, localKey: try SDESKeyParameters(parsing: crypto.localKey, suite: suite),
            remoteKey: try SDESKeyParameters(parsing: remote.description, suite: suite))
    }
}
