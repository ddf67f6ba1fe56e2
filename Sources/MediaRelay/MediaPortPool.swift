/// The RTP ports one engine hands out (RFC 3550 §11: RTP on an even port, RTCP on the next odd
/// one; with rtcp-mux, RFC 5761 §5.1.1, only the even port is used).
///
/// Allocation walks the range round-robin from where the last one stopped, so a port released
/// by a finished call is reused as late as possible (stale packets from its old peer fade out).
/// A value type: the engine keeps it behind a lock.
public struct MediaPortPool: Hashable, Sendable {
    /// The even RTP ports this pool may hand out.
    public let rtpPorts: [Int]
    private var inUse: Set<Int> = []
    private var cursor = 0

    /// A pool over `range` (inclusive); only even ports whose odd neighbour is also in range
    /// are used for RTP.
    public init(range: ClosedRange<Int>) throws(MediaRelayError) {
        guard range.lowerBound >= 1024, range.upperBound <= 65535 else { throw .invalidPortRange }
        let first = range.lowerBound + (range.lowerBound & 1)
        let ports = Array(stride(from: first, to: range.upperBound, by: 2))
        guard !ports.isEmpty else { throw .invalidPortRange }
        rtpPorts = ports
    }

    /// Ports currently handed out.
    public var allocatedCount: Int { inUse.count }

    /// Ports still free.
    public var availableCount: Int { rtpPorts.count - inUse.count }

    /// The next free even RTP port (its RTCP port is `+ 1`); `.portsExhausted` when none is free.
    public mutating func allocate() throws(MediaRelayError) -> Int {
        for step in 0..<rtpPorts.count {
            let index = (cursor + step) % rtpPorts.count
            let port = rtpPorts[index]
            if !inUse.contains(port) {
                inUse.insert(port)
                cursor = (index + 1) % rtpPorts.count
                return port
            }
        }
        throw .portsExhausted
    }

    /// Gives `port` back; unknown or free ports are ignored.
    public mutating func release(_ port: Int) {
        inUse.remove(port)
    }
}
