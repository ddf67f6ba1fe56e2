import NIOConcurrencyHelpers

/// A bounded, thread-safe store of recent calls' SIP messages (and the first seconds of their RTP),
/// keyed by Call-ID, that turns one call into a pcap file on request.
///
/// Bounds (``Limits``): at most `maxCalls` calls, `maxMessagesPerCall` SIP messages per call (later
/// ones are counted in ``CallTrace/droppedMessages`` and not kept, so the dialog's start survives),
/// and `maxBytes` of payload overall. A new call, or a message that would pass `maxBytes`, evicts the
/// oldest calls (by first message) first. One lock guards the state: recording happens once per SIP
/// message, off the per-RTP-packet path except for the first `rtpWindow` of each call's media.
/// A call's payloads are copied into one byte slab per call, reused after the call is evicted,
/// so recording allocates nothing per message once the buffer is warm.
///
/// A B2BUA leg with its own Call-ID is attached to its call with ``associate(_:with:)`` so
/// `pcap(for:)` with either Call-ID gives both legs in one file.
public final class CallTraceBuffer: Sendable {
    /// The bounds of a buffer.
    public struct Limits: Sendable, Equatable {
        /// Calls kept; the oldest is evicted beyond this.
        public var maxCalls: Int
        /// SIP messages kept per call.
        public var maxMessagesPerCall: Int
        /// Payload bytes kept over all calls (SIP and RTP).
        public var maxBytes: Int
        /// RTP packets kept per call.
        public var maxRTPPacketsPerCall: Int
        /// How long after a call's first RTP packet further RTP is kept, in microseconds.
        public var rtpWindowMicroseconds: UInt64

        /// Limits; the defaults hold about 1000 calls in at most 16 MiB.
        public init(
            maxCalls: Int = 1000, maxMessagesPerCall: Int = 200, maxBytes: Int = 16 << 20,
            maxRTPPacketsPerCall: Int = 500, rtpWindowMicroseconds: UInt64 = 5_000_000
        ) {
            self.maxCalls = max(1, maxCalls)
            self.maxMessagesPerCall = max(1, maxMessagesPerCall)
            self.maxBytes = max(1, maxBytes)
            self.maxRTPPacketsPerCall = max(0, maxRTPPacketsPerCall)
            self.rtpWindowMicroseconds = rtpWindowMicroseconds
        }
    }

    /// What `record` did with a message.
    public enum RecordOutcome: Sendable, Equatable {
        /// Kept.
        case recorded
        /// No Call-ID could be found in the message.
        case noCallID
        /// The call already holds `maxMessagesPerCall` messages (or its RTP is past its window).
        case callFull
        /// The message alone is larger than `maxBytes`, or a UDP payload too large for one datagram.
        case tooLarge
        /// RTP for a call that has no SIP messages in the buffer.
        case unknownCall
    }

    /// The bounds this buffer enforces.
    public let limits: Limits
    private let state: NIOLockedValueBox<State>

    /// An empty buffer.
    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.state = NIOLockedValueBox(State(limits: limits))
    }

    /// Records a SIP message the gateway received (`.inbound`, from `remote` to `local`) or sent
    /// (`.outbound`, from `local` to `remote`). The call is `callID` or, if `nil`, the message's
    /// own Call-ID header (or the call it was associated with).
    @discardableResult
    public func record(
        direction: TraceDirection, message: [UInt8], local: TraceEndpoint, remote: TraceEndpoint,
        transport: TraceTransport, time: TraceTimestamp, callID: String? = nil
    ) -> RecordOutcome {
        guard let id = callID ?? CallIDScanner.callID(in: message) else { return .noCallID }
        return message.withUnsafeBytes { add($0, direction: direction, local: local, remote: remote, transport: transport, time: time, callID: id) }
    }

    /// ``record(direction:message:local:remote:transport:time:callID:)`` for a message held in
    /// other storage (a `ByteBuffer` about to be sent): the bytes are copied into the trace.
    @discardableResult
    public func record(
        direction: TraceDirection, messageBytes message: UnsafeRawBufferPointer, local: TraceEndpoint, remote: TraceEndpoint,
        transport: TraceTransport, time: TraceTimestamp, callID: String? = nil
    ) -> RecordOutcome {
        guard let id = callID ?? CallIDScanner.callID(in: message) else { return .noCallID }
        return add(message, direction: direction, local: local, remote: remote, transport: transport, time: time, callID: id)
    }

    private func add(
        _ message: UnsafeRawBufferPointer, direction: TraceDirection, local: TraceEndpoint, remote: TraceEndpoint,
        transport: TraceTransport, time: TraceTimestamp, callID id: String
    ) -> RecordOutcome {
        guard message.count <= limits.maxBytes, transport == .tcp || message.count <= PcapWriter.maxUDPPayload else {
            return .tooLarge
        }
        let record = PacketRecord(offset: 0, length: 0, direction: direction, local: local, remote: remote, transport: transport, time: time,
                                  isRTP: false)
        let limits = self.limits
        return state.withLockedValue { $0.add(message, record, to: id, limits: limits) }
    }

    /// Records one RTP (or RTCP) packet of a call already in the buffer, kept only during the
    /// first `rtpWindowMicroseconds` of the call's media and up to `maxRTPPacketsPerCall`.
    @discardableResult
    public func recordRTP(
        callID: String, direction: TraceDirection, packet: [UInt8], local: TraceEndpoint, remote: TraceEndpoint,
        time: TraceTimestamp
    ) -> RecordOutcome {
        guard packet.count <= limits.maxBytes, packet.count <= PcapWriter.maxUDPPayload else { return .tooLarge }
        let record = PacketRecord(offset: 0, length: 0, direction: direction, local: local, remote: remote, transport: .udp, time: time,
                                  isRTP: true)
        let limits = self.limits
        return packet.withUnsafeBytes { packet in state.withLockedValue { $0.addRTP(packet, record, to: callID, limits: limits) } }
    }

    /// Makes `legCallID` (for example the B leg's Call-ID) name the same trace as `callID`.
    /// Does nothing if `callID` is not in the buffer.
    public func associate(_ legCallID: String, with callID: String) {
        state.withLockedValue { $0.associate(legCallID, with: callID) }
    }

    /// The trace of a call (by its own or an associated Call-ID), or `nil` if not in the buffer.
    public func trace(for callID: String) -> CallTrace? {
        state.withLockedValue { $0.trace(for: callID) }
    }

    /// The call as a libpcap file (see ``PcapWriter``), or `nil` if it is not in the buffer.
    public func pcap(for callID: String) -> [UInt8]? {
        trace(for: callID)?.pcap()
    }

    /// The Call-IDs in the buffer, oldest first.
    public var callIDs: [String] {
        state.withLockedValue { $0.liveKeys }
    }

    /// The payload bytes held over all calls.
    public var byteCount: Int {
        state.withLockedValue { $0.totalBytes }
    }
}
