/// Encodes one packet as a HEP version 3 message for a Homer collector (sent over UDP or TCP by the
/// caller; this type does no I/O).
///
/// HEP3 (Homer Encapsulation Protocol, https://github.com/sipcapture/HEP, "HEP3 Network Protocol
/// Specification"): the ASCII id `HEP3`, a 16-bit total length, then chunks of vendor id (16 bits,
/// 0 = generic), type id (16 bits), length (16 bits, including these 6 bytes) and value; all big-endian.
/// Generic chunk types used here: 1 IP family (2 IPv4, 10 IPv6), 2 IP protocol (17 UDP, 6 TCP),
/// 3/4 IPv4 source/destination, 5/6 IPv6 source/destination, 7/8 source/destination port,
/// 9 timestamp seconds, 10 timestamp microseconds, 11 protocol type (1 SIP), 12 capture agent id,
/// 14 authentication key (omitted when `nil`), 15 payload, 17 correlation id (the Call-ID).
public struct HEP3Encoder: Sendable {
    /// HEP3 protocol type numbers (chunk 11).
    public enum ProtocolType: UInt8, Sendable {
        /// SIP.
        case sip = 1
        /// RTP.
        case rtp = 4
        /// RTCP.
        case rtcp = 5
    }

    /// Errors for packets a HEP3 message cannot hold.
    public enum Error: Swift.Error, Sendable, Equatable {
        /// The encoded message would exceed the 16-bit total length.
        case messageTooLarge(Int)
    }

    /// The capture agent id (chunk 12) sent with every message.
    public var captureAgentID: UInt32
    /// The collector password (chunk 14), if the collector wants one.
    public var authenticationKey: String?

    /// An encoder for one capture agent.
    public init(captureAgentID: UInt32, authenticationKey: String? = nil) {
        self.captureAgentID = captureAgentID
        self.authenticationKey = authenticationKey
    }

    /// The HEP3 message for `payload` sent from `source` to `destination`; mixed families are sent as IPv6.
    /// - Throws: `Error.messageTooLarge` past 65535 bytes in all.
    public func encode(
        payload: [UInt8], from source: TraceEndpoint, to destination: TraceEndpoint, transport: TraceTransport,
        time: TraceTimestamp, protocolType: ProtocolType = .sip, correlationID: String? = nil
    ) throws -> [UInt8] {
        var src = source, dst = destination
        if src.isIPv4 != dst.isIPv4 {
            src = src.mappedToIPv6
            dst = dst.mappedToIPv6
        }
        var body: [UInt8] = []
        body.reserveCapacity(payload.count + 128)
        Self.chunk(1, [src.isIPv4 ? 2 : 10], into: &body)
        Self.chunk(2, [transport == .udp ? 17 : 6], into: &body)
        Self.chunk(src.isIPv4 ? 3 : 5, src.address, into: &body)
        Self.chunk(src.isIPv4 ? 4 : 6, dst.address, into: &body)
        Self.chunk(7, Self.be16(src.port), into: &body)
        Self.chunk(8, Self.be16(dst.port), into: &body)
        Self.chunk(9, Self.be32(UInt32(truncatingIfNeeded: time.microsecondsSinceEpoch / 1_000_000)), into: &body)
        Self.chunk(10, Self.be32(UInt32(time.microsecondsSinceEpoch % 1_000_000)), into: &body)
        Self.chunk(11, [protocolType.rawValue], into: &body)
        Self.chunk(12, Self.be32(captureAgentID), into: &body)
        if let key = authenticationKey { Self.chunk(14, Array(key.utf8), into: &body) }
        if let id = correlationID { Self.chunk(17, Array(id.utf8), into: &body) }
        guard payload.count <= 65_535 - 6 else { throw Error.messageTooLarge(6 + body.count + 6 + payload.count) }
        Self.chunk(15, payload, into: &body)
        let total = 6 + body.count
        guard total <= 65_535 else { throw Error.messageTooLarge(total) }
        return Array("HEP3".utf8) + Self.be16(UInt16(total)) + body
    }

    private static func chunk(_ type: UInt16, _ value: [UInt8], into body: inout [UInt8]) {
        body += [0, 0] + be16(type) + be16(UInt16(truncatingIfNeeded: 6 + value.count)) + value
    }

    private static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    private static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
