#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A peer's UDP address as the media loop compares and stores it: a plain value (no host
/// string, no class box) so latching and sending cost no allocation per packet. Converted to
/// and from NIO's `SocketAddress` only at the API edge (configuration, events, counters).
public struct MediaAddress: Hashable, Sendable {
    /// Whether this is an IPv6 address.
    public var isIPv6: Bool
    /// The UDP port.
    public var port: UInt16
    /// The address octets in network order (IPv4 uses the first four).
    var high: UInt64
    var low: UInt64
    /// The IPv6 scope (interface) id; 0 for IPv4.
    var scope: UInt32

    /// The address in a `sockaddr_storage` (as `recvmmsg` fills it); nil for other families.
    init?(storage: UnsafePointer<sockaddr_storage>) {
        switch Int32(storage.pointee.ss_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(storage).assumingMemoryBound(to: sockaddr_in.self).pointee
            isIPv6 = false
            port = UInt16(bigEndian: v4.sin_port)
            high = UInt64(v4.sin_addr.s_addr)
            low = 0
            scope = 0
        case AF_INET6:
            let v6 = UnsafeRawPointer(storage).assumingMemoryBound(to: sockaddr_in6.self).pointee
            isIPv6 = true
            port = UInt16(bigEndian: v6.sin6_port)
            (high, low) = withUnsafeBytes(of: v6.sin6_addr) { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
            scope = v6.sin6_scope_id
        default:
            return nil
        }
    }

    /// The media address of an IP `SocketAddress`; nil for a Unix-domain address.
    public init?(_ address: SocketAddress) {
        var storage = sockaddr_storage()
        let ok = address.withSockAddr { pointer, length -> Bool in
            guard length <= MemoryLayout<sockaddr_storage>.size else { return false }
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: length)) }
            return true
        }
        guard ok else { return nil }
        guard let value = withUnsafePointer(to: &storage, { MediaAddress(storage: $0) }) else { return nil }
        self = value
    }

    /// Writes the address into `storage` for `sendmmsg`.
    func write(to storage: UnsafeMutablePointer<sockaddr_storage>) {
        if isIPv6 {
            UnsafeMutableRawPointer(storage).withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                v6.pointee = sockaddr_in6()
                v6.pointee.sin6_family = sa_family_t(AF_INET6)
                v6.pointee.sin6_port = port.bigEndian
                withUnsafeMutableBytes(of: &v6.pointee.sin6_addr) {
                    $0.storeBytes(of: high, as: UInt64.self)
                    $0.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
                }
                v6.pointee.sin6_scope_id = scope
            }
        } else {
            UnsafeMutableRawPointer(storage).withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                v4.pointee = sockaddr_in()
                v4.pointee.sin_family = sa_family_t(AF_INET)
                v4.pointee.sin_port = port.bigEndian
                v4.pointee.sin_addr.s_addr = UInt32(truncatingIfNeeded: high)
            }
        }
    }

    /// The same address as NIO's `SocketAddress` (allocates a host string: API edge only).
    public var socketAddress: SocketAddress? {
        var storage = sockaddr_storage()
        write(to: &storage)
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if isIPv6 {
            let v6 = withUnsafePointer(to: &storage) { UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr_in6.self).pointee }
            var raw = v6.sin6_addr
            guard inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)) != nil else { return nil }
            return SocketAddress(v6, host: Self.string(text))
        }
        let v4 = withUnsafePointer(to: &storage) { UnsafeRawPointer($0).assumingMemoryBound(to: sockaddr_in.self).pointee }
        var raw = v4.sin_addr
        guard inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)) != nil else { return nil }
        return SocketAddress(v4, host: Self.string(text))
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `other` is the same host (any port): RTCP comes from the RTP peer's host.
    func sameHost(as other: MediaAddress) -> Bool {
        isIPv6 == other.isIPv6 && high == other.high && low == other.low
    }

    /// The RTCP address for an RTP address without rtcp-mux: port + 1 (RFC 3550 §11).
    var rtcpNeighbour: MediaAddress? {
        guard port < 65535 else { return nil }
        var next = self
        next.port += 1
        return next
    }
}
