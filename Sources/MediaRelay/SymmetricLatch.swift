/// Symmetric RTP latching (the "comedia" behaviour of RFC 4961 peers behind NAT): send a
/// leg's media to where its packets really come from, not to the address in its SDP.
///
/// A pure state machine over any address type. The SDP address is the initial target. A
/// packet from the target latches it at once. A packet from another source starts a probation:
/// only `probationPackets` consecutive packets from that same source within `probationWindow`
/// nanoseconds switch the target, so one stray or spoofed packet cannot hijack the stream;
/// packets from a source that is not (yet) the target are dropped. `relatch(sdpAddress:)`
/// (after a re-INVITE) takes the new SDP address and forgets the confirmed source, so the
/// next packets confirm or replace it the same way.
public struct SymmetricLatch<Address: Hashable & Sendable>: Hashable, Sendable {
    /// What to do with one received packet.
    public enum Decision: Hashable, Sendable {
        /// From the target: relay it.
        case accept
        /// From a new source that just became the target (first packet or end of probation): relay it.
        case latched(Address)
        /// From a source on probation or a stray: drop it.
        case drop
    }

    /// Consecutive packets a new source must send before it becomes the target.
    public var probationPackets: Int
    /// How long (nanoseconds) those packets may take, counted from the first.
    public var probationWindow: UInt64
    /// Where packets for this leg are sent; nil before both the SDP and any packet gave one.
    public private(set) var target: Address?
    /// Whether a received packet confirmed the target.
    public private(set) var isLatched = false
    private var candidate: Address?
    private var candidateCount = 0
    private var candidateStart: UInt64 = 0

    /// A latch sending to `sdpAddress` until packets say otherwise.
    public init(sdpAddress: Address?, probationPackets: Int = 3, probationWindow: UInt64 = 2_000_000_000) {
        self.target = sdpAddress
        self.probationPackets = max(1, probationPackets)
        self.probationWindow = probationWindow
    }

    /// Sets a new SDP address (re-INVITE) and re-opens latching.
    public mutating func relatch(sdpAddress: Address?) {
        if let sdpAddress { target = sdpAddress }
        isLatched = false
        candidate = nil
        candidateCount = 0
    }

    /// The decision for a packet from `source` arriving at `now` (monotonic nanoseconds).
    public mutating func observe(source: Address, now: UInt64) -> Decision {
        if source == target {
            candidate = nil
            candidateCount = 0
            if isLatched { return .accept }
            isLatched = true
            return .latched(source)
        }
        if source == candidate, now &- candidateStart <= probationWindow {
            candidateCount += 1
        } else {
            candidate = source
            candidateCount = 1
            candidateStart = now
        }
        guard candidateCount >= probationPackets else { return .drop }
        target = source
        isLatched = true
        candidate = nil
        candidateCount = 0
        return .latched(source)
    }
}
