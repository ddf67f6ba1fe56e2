/// A `c=` line (RFC 8866 §5.7): `c=<nettype> <addrtype> <connection-address>`.
///
/// The multicast forms are tolerated and kept: `224.2.1.1/127/3` (IPv4: TTL, then number of
/// addresses) and `FF15::101/3` (IPv6: number of addresses only).
public struct Connection: Sendable, Hashable {
    /// Network type, `IN`.
    public var networkType: String
    /// `IP4`, `IP6`, or another token (kept, never negotiated).
    public var addressType: String
    /// The address (or host name) without the multicast suffixes.
    public var address: String
    /// IPv4 multicast TTL, when written.
    public var ttl: Int?
    /// Number of multicast addresses, when written.
    public var addressCount: Int?

    /// Creates a connection line.
    public init(
        networkType: String = "IN", addressType: String = "IP4", address: String,
        ttl: Int? = nil, addressCount: Int? = nil
    ) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
        self.ttl = ttl
        self.addressCount = addressCount
    }

    /// A unicast `IN IP4`/`IN IP6` connection, picking the address type from the address text.
    public static func unicast(_ address: String) -> Connection {
        Connection(addressType: address.utf8.contains(UInt8(ascii: ":")) ? "IP6" : "IP4", address: address)
    }

    /// True for the RFC 2543 hold form `c=IN IP4 0.0.0.0` (RFC 3264 §8.4 still asks answerers
    /// to understand it) and its IPv6 counterpart `::`.
    public var isHoldAddress: Bool {
        address == "0.0.0.0" || address == "::"
    }
}
