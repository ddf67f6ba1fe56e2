import SDP

/// What the media engine reserved for one call: the gateway's address and one port per stream on
/// each side. Every leg's SDP points here, never at the other leg (the gateway anchors media).
public struct MediaAllocation: Sendable, Hashable {
    /// The address written in `c=` lines (the gateway's media address).
    public var address: String
    /// Ports facing the caller, one per `m=` line of the caller's offer (audio first).
    public var callerPorts: [UInt16]
    /// Ports facing the called legs, one per stream offered to them (audio, then video).
    public var calleePorts: [UInt16]
    /// SDES keys per stream for the caller side and the called side (RFC 4568), empty without SRTP.
    public var callerCryptoKeys: [[String: String]]
    /// SDES keys per stream for the called side.
    public var calleeCryptoKeys: [[String: String]]
    /// The `o=` session id, shared by both sides.
    public var sessionID: String

    /// Creates an allocation.
    public init(address: String, callerPorts: [UInt16], calleePorts: [UInt16],
                callerCryptoKeys: [[String: String]] = [], calleeCryptoKeys: [[String: String]] = [],
                sessionID: String) {
        self.address = address
        self.callerPorts = callerPorts
        self.calleePorts = calleePorts
        self.callerCryptoKeys = callerCryptoKeys
        self.calleeCryptoKeys = calleeCryptoKeys
        self.sessionID = sessionID
    }
}

/// The media engine as the B2BUA drives it. The call's handler allocates before it creates the
/// ``CallStateMachine``, hands every ``CallAction/updateMedia(_:)`` plan to `update`, and
/// releases on ``CallAction/releaseMedia``. A first implementation may only relay packets.
public protocol MediaSessionControlling: Sendable {
    /// Reserves ports for a call: `callerStreams` facing the caller, `calleeStreams` facing the
    /// called legs.
    func allocate(callID: String, callerStreams: Int, calleeStreams: Int) async throws -> MediaAllocation
    /// Points both sides at their remote endpoints and sets relay or transcoding, and each side's
    /// hold state (``MediaPlan/Side/audioDirection``, per stream in the negotiated session).
    func update(callID: String, plan: MediaPlan) async throws
    /// Frees the call's ports and codecs.
    func release(callID: String) async
    /// Reserves a video stream for an answered call that has none (RFC 3264 §8.2: video added by
    /// a re-offer): one port facing the caller, one facing the called leg, relayed untouched once
    /// ``update(callID:plan:)`` gives both sides video. Throws when no ports are left (the added
    /// video is then refused with port 0) or the call already has video.
    func allocateVideo(callID: String) async throws -> VideoAllocation
    /// Frees the video stream ``allocateVideo(callID:)`` added (the other side refused the offer
    /// carrying it); ``release(callID:)`` frees it with the rest of the call otherwise.
    func releaseVideo(callID: String) async
}

/// The video ports reserved mid-call by ``MediaSessionControlling/allocateVideo(callID:)``.
public struct VideoAllocation: Sendable, Hashable {
    /// The video port facing the caller.
    public var callerPort: UInt16
    /// The video port facing the called leg.
    public var calleePort: UInt16
    /// Fresh SDES keys per suite for the caller's video stream (RFC 4568 §6.1: one master key per
    /// stream), used only when the caller's side has keys.
    public var callerCryptoKeys: [String: String]
    /// Fresh SDES keys for the called leg's video stream.
    public var calleeCryptoKeys: [String: String]

    /// Creates an allocation.
    public init(callerPort: UInt16, calleePort: UInt16, callerCryptoKeys: [String: String] = [:],
                calleeCryptoKeys: [String: String] = [:]) {
        self.callerPort = callerPort
        self.calleePort = calleePort
        self.callerCryptoKeys = callerCryptoKeys
        self.calleeCryptoKeys = calleeCryptoKeys
    }
}
