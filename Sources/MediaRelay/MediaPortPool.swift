/// The RTP ports one engine hands out (RFC 3550 §11: RTP on an even port, RTCP on the next odd
/// one; with rtcp-mux, RFC 5761 §5.1.1, only the even port is used), and the bound sockets of
/// released ports parked for reuse.
///
/// Allocation walks the range round-robin from where the last one stopped, so a port released
/// by a finished call is reused as late as possible (stale packets from its old peer fade out).
/// A released leg's sockets are parked, still bound and in their media loop's epoll set (which
/// discards what arrives on them), and a new leg takes the one parked longest (LRU) once it has
/// rested ``quarantine``, or at once when three quarters of ``parkingLimit`` endpoints are
/// parked: no `socket`, `bind`, `epoll_ctl` or `close` per call. The gap between that mark and
/// the limit (beyond which the oldest are closed) absorbs calls in flight, so a busy pool does
/// not bind a new port for one call and close an old one for the next. A parked port counts as
/// available.
/// A value type: the engine keeps it behind a lock.
public struct MediaPortPool: Hashable, Sendable {
    /// The even RTP ports this pool may hand out.
    public let rtpPorts: [Int]
    /// Ports bound: handed out or parked.
    private var inUse: Set<Int> = []
    private var cursor = 0
    /// Most endpoints parked at once over all loops; beyond it the oldest are closed. 0: a
    /// released endpoint is always closed.
    public var parkingLimit = 0
    /// Nanoseconds a parked endpoint rests before a new leg prefers it to binding a new port.
    public var quarantine: UInt64 = 0
    /// Parked endpoints per media loop and rtcp-mux shape (``queueIndex(loop:rtcpMux:)``),
    /// oldest first.
    private var parked: [ParkingQueue] = []
    /// Loops that closed their sockets (shut down): nothing parks there any more.
    private var closedLoops: Set<Int> = []
    /// Endpoints parked now.
    public private(set) var parkedCount = 0

    /// A pool over `range` (inclusive); only even ports whose odd neighbour is also in range
    /// are used for RTP.
    public init(range: ClosedRange<Int>) throws(MediaRelayError) {
        guard range.lowerBound >= 1024, range.upperBound <= 65535 else { throw .invalidPortRange }
        let first = range.lowerBound + (range.lowerBound & 1)
        let ports = Array(stride(from: first, to: range.upperBound, by: 2))
        guard !ports.isEmpty else { throw .invalidPortRange }
        rtpPorts = ports
    }

    /// Ports currently handed out (parked ones not counted).
    public var allocatedCount: Int { inUse.count - parkedCount }

    /// Ports a new leg can have: free, or parked with their sockets.
    public var availableCount: Int { rtpPorts.count - inUse.count + parkedCount }

    /// The next free even RTP port (its RTCP port is `+ 1`); `.portsExhausted` when none is free.
    /// Parked ports are not free: ``takeParked(loop:rtcpMux:now:force:)`` hands those out.
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

    /// Gives `port` back once its sockets are closed; unknown or free ports are ignored.
    public mutating func release(_ port: Int) {
        inUse.remove(port)
    }
}

/// A leg's bound sockets: its RTP port, the descriptors and, once a media loop registered them,
/// their slots in that loop's socket table.
struct PooledEndpoint: Hashable, Sendable {
    var port: Int
    var rtp: Int32
    /// -1 with rtcp-mux (only the RTP port is bound).
    var rtcp: Int32
    var rtpSlot = -1
    var rtcpSlot = -1
    /// When it was parked (uptime nanoseconds).
    var parkedAt: UInt64 = 0

    /// Whether RTCP shares the RTP socket.
    var isMuxed: Bool { rtcp < 0 }
    /// Whether a media loop holds the sockets (taken from the parking, not freshly bound).
    var isRegistered: Bool { rtpSlot >= 0 }
}

/// A FIFO of parked endpoints without per-operation allocation once grown.
struct ParkingQueue: Hashable, Sendable {
    private var items: [PooledEndpoint] = []
    private var head = 0

    var count: Int { items.count - head }
    var first: PooledEndpoint? { head < items.count ? items[head] : nil }

    mutating func append(_ endpoint: PooledEndpoint) {
        if head > 0, head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        items.append(endpoint)
    }

    mutating func popFirst() -> PooledEndpoint? {
        guard head < items.count else { return nil }
        defer { head += 1 }
        return items[head]
    }

    mutating func removeAll() -> [PooledEndpoint] {
        defer {
            items.removeAll()
            head = 0
        }
        return Array(items[head...])
    }
}

extension MediaPortPool {
    private static func queueIndex(loop: Int, rtcpMux: Bool) -> Int { loop * 2 + (rtcpMux ? 1 : 0) }

    /// Parks a released endpoint of media loop `loop` (its sockets stay bound and registered).
    /// Returns an endpoint the loop must close now and then ``release(_:)``: the oldest of that
    /// loop when more than ``parkingLimit`` are parked, or `endpoint` itself when the loop is
    /// closed or pooling is off.
    mutating func park(_ endpoint: PooledEndpoint, loop: Int) -> PooledEndpoint? {
        guard parkingLimit > 0, !closedLoops.contains(loop) else { return endpoint }
        let index = Self.queueIndex(loop: loop, rtcpMux: endpoint.isMuxed)
        while parked.count <= index + 1 { parked.append(ParkingQueue()) }
        parked[index].append(endpoint)
        parkedCount += 1
        guard parkedCount > parkingLimit else { return nil }
        // Over the limit: the loop's oldest endpoint of either shape goes.
        let other = index ^ 1
        let victim = parked[other].first.map { candidate in
            (parked[index].first?.parkedAt ?? .max) > candidate.parkedAt ? other : index
        } ?? index
        parkedCount -= 1
        return parked[victim].popFirst()
    }

    /// The endpoint of `loop` parked longest with this rtcp-mux shape, when it has rested
    /// ``quarantine`` by `now`, when three quarters of ``parkingLimit`` endpoints are parked, or
    /// when `force` (no port can be bound); nil otherwise.
    mutating func takeParked(loop: Int, rtcpMux: Bool, now: UInt64, force: Bool = false) -> PooledEndpoint? {
        let index = Self.queueIndex(loop: loop, rtcpMux: rtcpMux)
        guard index < parked.count, let oldest = parked[index].first else { return nil }
        let highWater = parkingLimit - parkingLimit / 4
        guard force || parkedCount >= highWater || now &- oldest.parkedAt >= quarantine else { return nil }
        parkedCount -= 1
        return parked[index].popFirst()
    }

    /// Closes `loop`'s parking (its thread is closing its sockets): returns what was parked
    /// there, to be closed and released by the caller; later ``park(_:loop:)`` calls for it
    /// return their endpoint.
    mutating func closeParking(loop: Int) -> [PooledEndpoint] {
        closedLoops.insert(loop)
        var endpoints: [PooledEndpoint] = []
        for rtcpMux in [false, true] {
            let index = Self.queueIndex(loop: loop, rtcpMux: rtcpMux)
            guard index < parked.count else { continue }
            endpoints += parked[index].removeAll()
        }
        parkedCount -= endpoints.count
        return endpoints
    }
}
