/// The policy for finding stream connections, as a value type: the manager keeps one behind a
/// lock and stores channels in it; tests store plain values.
///
/// - Every open connection, inbound (a peer connected to a listener) or outbound (we connected
///   to a target), is entered under its `SIPConnectionKey`: remote address and port plus
///   transport.
/// - A message to a key reuses the open connection of that key, whichever side opened it
///   (RFC 3261 §18.1.1: "clients SHOULD reuse connections"; RFC 5626 §5.3: a request to a
///   UA behind NAT goes over the flow it registered on).
/// - When a key has several connections, the newest open one is used; closing it falls back to
///   the next newest.
/// - A response goes to the request's connection by id (RFC 3261 §18.2.2), not by key.
public struct SIPConnectionTable<Connection> {
    private var byID: [SIPConnectionID: Entry] = [:]
    private var byKey: [SIPConnectionKey: [SIPConnectionID]] = [:]
    /// The number of open connections that peers opened to us.
    public private(set) var inboundCount = 0
    /// Open inbound connections per peer IP address (any port).
    private var inboundByHost: [String: Int] = [:]

    /// One table entry.
    public struct Entry {
        /// The connection's id.
        public let id: SIPConnectionID
        /// The peer address and transport it is found by.
        public let key: SIPConnectionKey
        /// The connection itself (a channel in the manager).
        public var connection: Connection
        /// True for a connection a peer opened to one of our listeners.
        public let isInbound: Bool
    }

    public init() {}

    /// The number of open connections.
    public var count: Int { byID.count }

    /// Enters an open connection; an id already present is replaced.
    public mutating func insert(_ connection: Connection, id: SIPConnectionID, key: SIPConnectionKey, isInbound: Bool) {
        if byID[id] != nil { remove(id) }
        byID[id] = Entry(id: id, key: key, connection: connection, isInbound: isInbound)
        if isInbound {
            inboundCount += 1
            inboundByHost[Self.host(of: key), default: 0] += 1
        }
        byKey[key, default: []].append(id)
    }

    /// Removes a closed connection; returns its entry when it was present.
    @discardableResult
    public mutating func remove(_ id: SIPConnectionID) -> Entry? {
        guard let entry = byID.removeValue(forKey: id) else { return nil }
        if entry.isInbound {
            inboundCount -= 1
            let host = Self.host(of: entry.key)
            let left = (inboundByHost[host] ?? 1) - 1
            inboundByHost[host] = left > 0 ? left : nil
        }
        if var ids = byKey[entry.key] {
            ids.removeAll { $0 == id }
            byKey[entry.key] = ids.isEmpty ? nil : ids
        }
        return entry
    }

    /// The connection with `id`, if still open.
    public func entry(_ id: SIPConnectionID) -> Entry? { byID[id] }

    /// The connection to use for a message to `key`: the newest open one.
    public func entry(for key: SIPConnectionKey) -> Entry? {
        byKey[key]?.last.flatMap { byID[$0] }
    }

    /// Open connections that the peer at `key`'s IP address (any port) opened to us.
    public func inboundCount(fromHostOf key: SIPConnectionKey) -> Int { inboundByHost[Self.host(of: key)] ?? 0 }

    static func host(of key: SIPConnectionKey) -> String { key.remote.ipAddress ?? key.remote.description }

    /// All entries (for shutdown and status).
    public var entries: [Entry] { Array(byID.values) }
}

extension SIPConnectionTable: Sendable where Connection: Sendable {}
extension SIPConnectionTable.Entry: Sendable where Connection: Sendable {}
