/// One traced packet: a SIP message or an RTP packet, with the socket addresses the gateway used.
public struct TracePacket: Sendable, Equatable {
    /// Which way it went.
    public var direction: TraceDirection
    /// The bytes on the wire above the transport (the SIP message or the RTP packet).
    public var payload: [UInt8]
    /// The gateway's own address and port.
    public var local: TraceEndpoint
    /// The peer's address and port.
    public var remote: TraceEndpoint
    /// UDP or TCP.
    public var transport: TraceTransport
    /// When it was received or sent.
    public var time: TraceTimestamp
    /// Whether this is media rather than SIP.
    public var isRTP: Bool

    /// A packet.
    public init(
        direction: TraceDirection, payload: [UInt8], local: TraceEndpoint, remote: TraceEndpoint,
        transport: TraceTransport, time: TraceTimestamp, isRTP: Bool = false
    ) {
        self.direction = direction
        self.payload = payload
        self.local = local
        self.remote = remote
        self.transport = transport
        self.time = time
        self.isRTP = isRTP
    }

    /// The sender: `remote` for inbound, `local` for outbound.
    public var source: TraceEndpoint { direction == .inbound ? remote : local }
    /// The receiver: `local` for inbound, `remote` for outbound.
    public var destination: TraceEndpoint { direction == .inbound ? local : remote }
}

/// The recorded packets of one call, in the order they were recorded.
public struct CallTrace: Sendable, Equatable {
    /// The Call-ID the trace was opened with.
    public var callID: String
    /// Other Call-IDs (B2BUA legs) associated with this trace.
    public var associatedCallIDs: [String] = []
    /// SIP messages and RTP packets, in recording order.
    public var packets: [TracePacket] = []
    /// SIP messages kept.
    public var messageCount = 0
    /// RTP packets kept.
    public var rtpCount = 0
    /// SIP messages and RTP packets refused by the per-call limits.
    public var droppedMessages = 0
    /// Payload bytes held.
    public var byteCount = 0
    /// The time of the call's first RTP packet, which starts the RTP window.
    public var firstRTPTime: TraceTimestamp?

    /// An empty trace.
    public init(callID: String) {
        self.callID = callID
    }

    /// The trace as a libpcap file, packets sorted by time (stable for equal times).
    /// A packet the writer cannot represent is left out.
    public func pcap() -> [UInt8] {
        var writer = PcapWriter()
        let ordered = packets.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
        for (_, packet) in ordered {
            try? writer.append(payload: packet.payload, from: packet.source, to: packet.destination, transport: packet.transport, time: packet.time)
        }
        return writer.bytes
    }
}
