import B2BUA
import MediaRelay

/// Video added to an answered call (RFC 3264 §8.2): a second ``MediaSession`` of kind video
/// beside the call's audio session, as for a call that starts with video, configured by the next
/// ``update(callID:plan:)`` that gives both sides video (latching and relaying as at the start).
@available(macOS 15.0, *)
extension MediaEngineSessions {
    /// Why ``allocateVideo(callID:)`` reserved nothing (besides the engine's own errors, such as
    /// ``MediaRelayError/portsExhausted``).
    enum VideoAddError: Error, Equatable {
        /// No audio session under this Call-ID: the call is not (or no longer) here.
        case noCall
        /// The call has a video stream already.
        case videoInUse
    }

    func allocateVideo(callID: String) async throws -> VideoAllocation {
        guard session(callID: callID) != nil else { throw VideoAddError.noCall }
        guard videoSessions.withLock({ $0[callID] }) == nil else { throw VideoAddError.videoInUse }
        let video = try await engine.allocateSession(kind: .video)
        let stored = videoSessions.withLock { table in
            guard table[callID] == nil else { return false }
            table[callID] = video
            return true
        }
        guard stored else {
            // Another allocation for the call won meanwhile.
            await video.release()
            throw VideoAddError.videoInUse
        }
        return VideoAllocation(callerPort: UInt16(video.localPort(.a)), calleePort: UInt16(video.localPort(.b)),
                               callerCryptoKeys: Self.freshKeys(), calleeCryptoKeys: Self.freshKeys())
    }

    func releaseVideo(callID: String) async {
        await videoSessions.withLock({ $0.removeValue(forKey: callID) })?.release()
    }
}
