import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of a traced packet: an IPv4 or IPv6 address (network byte order) and a port,
/// as the gateway saw it on the socket.
///
/// The address is held inline (no array per endpoint: two are made per traced SIP message).
public struct TraceEndpoint: Sendable, Hashable {
    /// The address bytes, zero-padded to 16: the first `length` count.
    private let high: UInt64, low: UInt64
    /// 4 for IPv4, 16 for IPv6.
    private let length: UInt8
    /// The UDP or TCP port.
    public let port: UInt16

    /// The address bytes: 4 for IPv4, 16 for IPv6.
    public var address: [UInt8] {
        withUnsafeBytes(of: (high, low)) { Array($0.prefix(Int(length))) }
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { length == 4 }

    /// An endpoint from raw address bytes; `nil` unless `address` has 4 or 16 bytes.
    public init?(address: [UInt8], port: UInt16) {
        guard address.count == 4 || address.count == 16 else { return nil }
        self.init(unchecked: address, port: port)
    }

    /// An IPv4 endpoint from four octets.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) {
        var storage: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &storage) { raw in
            raw[0] = a
            raw[1] = b
            raw[2] = c
            raw[3] = d
        }
        (high, low, length, self.port) = (storage.0, storage.1, 4, port)
    }

    /// An endpoint from a NIO socket address; `nil` for Unix domain sockets.
    public init?(_ socketAddress: SocketAddress) {
        guard let port = socketAddress.port, port >= 0, port <= Int(UInt16.max) else { return nil }
        var storage: (UInt64, UInt64) = (0, 0)
        switch socketAddress {
        case .v4(let v4):
            var raw = v4.address.sin_addr
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: &raw) { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(4))) }
            }
            length = 4
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            withUnsafeMutableBytes(of: &storage) { target in
                withUnsafeBytes(of: &raw) { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
            }
            length = 16
        case .unixDomainSocket:
            return nil
        }
        (high, low, self.port) = (storage.0, storage.1, UInt16(port))
    }

    /// This address as IPv6: IPv4 becomes the IPv4-mapped form `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2),
    /// used when the two ends of one packet are of different families.
    public var mappedToIPv6: TraceEndpoint {
        guard isIPv4 else { return self }
        return TraceEndpoint(unchecked: [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + address, port: port)
    }

    /// `address` has 4 or 16 bytes.
    private init(unchecked address: [UInt8], port: UInt16) {
        var storage: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &storage) { target in
            address.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
        }
        (high, low, length, self.port) = (storage.0, storage.1, UInt8(address.count), port)
    }
}

/// The transport a traced message travelled on.
public enum TraceTransport: Sendable, Hashable {
    /// UDP (also used for RTP).
    case udp
    /// TCP, or TLS shown as its decrypted payload over TCP.
    case tcp
}

/// Which way a traced message went, seen from the gateway.
public enum TraceDirection: Sendable, Hashable {
    /// Received from `remote` on `local`.
    case inbound
    /// Sent from `local` to `remote`.
    case outbound
}

/// A wall-clock time in microseconds since the Unix epoch, the pcap record resolution.
public struct TraceTimestamp: Sendable, Hashable, Comparable {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microsecondsSinceEpoch: UInt64

    /// A timestamp from microseconds since the epoch.
    public init(microsecondsSinceEpoch: UInt64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// The current wall-clock time.
    public static func now() -> TraceTimestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return TraceTimestamp(microsecondsSinceEpoch: UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec / 1000))
    }

    public static func < (lhs: TraceTimestamp, rhs: TraceTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}
