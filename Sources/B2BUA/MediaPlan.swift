import SDP

/// What the media engine must do for a call, decided by the B2BUA from both legs' negotiated
/// SDP: where each side sends, with which codec and telephone-event payload types, and whether
/// audio is relayed unchanged or transcoded.
public struct MediaPlan: Sendable, Hashable {
    /// One side of the anchored call: the gateway's ports and the negotiated session.
    public struct Side: Sendable, Hashable {
        /// The gateway's ports facing this side.
        public var localPorts: [UInt16]
        /// The offer/answer result for this side (remote address and ports, codecs, PTs, SRTP).
        public var session: NegotiatedSession

        /// The audio direction the gateway agreed with this side, seen from the gateway (RFC 3264
        /// §6.1): `recvonly`/`inactive` while the side holds the call (nothing is sent to it),
        /// `sendonly` while it is held; `inactive` without audio. The engine applies it per leg.
        public var audioDirection: MediaDirection { session.audio?.direction ?? .inactive }

        /// Creates a side.
        public init(localPorts: [UInt16], session: NegotiatedSession) {
            self.localPorts = localPorts
            self.session = session
        }
    }

    /// How audio crosses the gateway.
    public enum AudioPath: Sendable, Hashable {
        /// Same codec on both sides: packets relayed (payload types rewritten if they differ).
        case relay(SDPCodec)
        /// No common codec: decode from one, encode to the other.
        case transcode(caller: SDPCodec, callee: SDPCodec)
        /// A side has no accepted audio stream.
        case none
    }

    /// The caller's side.
    public var caller: Side
    /// The called (answering or early-media) leg's side.
    public var callee: Side
    /// Relay or transcode.
    public var audio: AudioPath
    /// True when both sides accepted video: passed through untouched (INTEROP.md, doors).
    public var videoRelayed: Bool
    /// True when the callee side is early media (a 183 with SDP), not yet answered.
    public var isEarly: Bool

    /// Decides relay or transcoding from the two sides' first audio codecs.
    public init(caller: Side, callee: Side, isEarly: Bool) {
        self.caller = caller
        self.callee = callee
        self.isEarly = isEarly
        switch (caller.session.audio?.codec?.codec, callee.session.audio?.codec?.codec) {
        case (let left?, let right?):
            audio = left.name.sameCodecName(as: right.name) && left.clockRate == right.clockRate
                ? .relay(left) : .transcode(caller: left, callee: right)
        default:
            audio = .none
        }
        videoRelayed = caller.session.video != nil && callee.session.video != nil
    }

    /// True when the engine must transcode audio.
    public var needsTranscoding: Bool {
        if case .transcode = audio { return true }
        return false
    }
}
