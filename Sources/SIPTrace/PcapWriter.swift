import NIOCore

/// Writes a classic libpcap capture file (not pcapng) in memory, one record per SIP message or RTP
/// packet, with synthesized IPv4/IPv6 and UDP/TCP headers so Wireshark, tshark and sngrep dissect it.
///
/// Format: https://wiki.wireshark.org/Development/LibpcapFileFormat. The link type is
/// `LINKTYPE_RAW` (101): each record starts at the IP header, so no fake MAC addresses are needed.
/// All pcap fields are little-endian (magic `0xA1B2C3D4` written as `D4 C3 B2 A1`), the packet
/// headers are network byte order. Checksums are computed: IPv4 header (RFC 791 §3.1), UDP
/// (RFC 768, RFC 8200 §8.1 for IPv6) and TCP (RFC 9293 §3.1).
///
/// A TCP message becomes one PSH/ACK segment (split in several if larger than one IP datagram)
/// with a sequence number that grows per direction of each connection; there is no handshake, which
/// Wireshark shows as a mid-stream capture and still dissects.
public struct PcapWriter: Sendable {
    /// `LINKTYPE_RAW`: the packet begins with an IPv4 or IPv6 header.
    public static let linkTypeRaw: UInt32 = 101
    /// The snapshot length written in the global header.
    public static let snapLength: UInt32 = 262_144
    /// The largest payload in one synthesized segment or datagram (an IPv4 total length is 16 bits).
    public static let maxSegmentPayload = 65_535 - 20 - 20
    /// The largest UDP payload over IPv4 (RFC 768 length field minus the headers).
    public static let maxUDPPayload = 65_535 - 20 - 8

    /// Errors for packets that cannot be represented.
    public enum Error: Swift.Error, Sendable, Equatable {
        /// A UDP payload larger than one datagram can hold.
        case udpPayloadTooLarge(Int)
    }

    /// The capture file so far: the global header and every record appended.
    public private(set) var bytes: [UInt8]
    private var nextIPv4Identification: UInt16 = 1
    private var tcpNextSequence: [FlowKey: UInt32] = [:]

    private struct FlowKey: Hashable {
        var source: TraceEndpoint
        var destination: TraceEndpoint
    }

    /// A writer holding only the 24-byte global header.
    public init() {
        bytes = []
        bytes.reserveCapacity(4096)
        appendLE32(0xA1B2_C3D4) // magic, microsecond timestamps
        appendLE16(2) // version major
        appendLE16(4) // version minor
        appendLE32(0) // thiszone
        appendLE32(0) // sigfigs
        appendLE32(Self.snapLength)
        appendLE32(Self.linkTypeRaw)
    }

    /// Appends one packet carrying `payload` from `source` to `destination`.
    ///
    /// Mixed families (one IPv4, one IPv6 end) are written as IPv6 with the IPv4 end mapped.
    /// - Throws: `Error.udpPayloadTooLarge` for a UDP payload that fits no datagram.
    public mutating func append(
        payload: [UInt8], from source: TraceEndpoint, to destination: TraceEndpoint,
        transport: TraceTransport, time: TraceTimestamp
    ) throws {
        var src = source, dst = destination
        if src.isIPv4 != dst.isIPv4 {
            src = src.mappedToIPv6
            dst = dst.mappedToIPv6
        }
        switch transport {
        case .udp:
            guard payload.count <= Self.maxUDPPayload else { throw Error.udpPayloadTooLarge(payload.count) }
            let segment = Self.udpSegment(payload[...], from: src, to: dst)
            appendRecord(ip: ipPacket(segment, protocolNumber: 17, from: src, to: dst), time: time)
        case .tcp:
            var start = 0
            repeat {
                let end = min(start + Self.maxSegmentPayload, payload.count)
                let key = FlowKey(source: src, destination: dst)
                let reverse = FlowKey(source: dst, destination: src)
                let seq = tcpNextSequence[key] ?? 1
                let ack = tcpNextSequence[reverse] ?? 1
                tcpNextSequence[key] = seq &+ UInt32(end - start)
                let segment = Self.tcpSegment(payload[start..<end], from: src, to: dst, sequence: seq, acknowledgment: ack)
                appendRecord(ip: ipPacket(segment, protocolNumber: 6, from: src, to: dst), time: time)
                start = end
            } while start < payload.count
        }
    }

    private mutating func appendRecord(ip: [UInt8], time: TraceTimestamp) {
        appendLE32(UInt32(truncatingIfNeeded: time.microsecondsSinceEpoch / 1_000_000))
        appendLE32(UInt32(time.microsecondsSinceEpoch % 1_000_000))
        appendLE32(UInt32(ip.count)) // captured length
        appendLE32(UInt32(ip.count)) // original length
        bytes += ip
    }

    /// RFC 791 §3.1 (IPv4) or RFC 8200 §3 (IPv6) header followed by `segment`.
    private mutating func ipPacket(_ segment: [UInt8], protocolNumber: UInt8, from src: TraceEndpoint, to dst: TraceEndpoint) -> [UInt8] {
        var packet: [UInt8] = []
        if src.isIPv4 {
            packet.reserveCapacity(20 + segment.count)
            let total = UInt16(20 + segment.count)
            let id = nextIPv4Identification
            nextIPv4Identification &+= 1
            packet += [0x45, 0x00, UInt8(total >> 8), UInt8(total & 0xFF)]
            packet += [UInt8(id >> 8), UInt8(id & 0xFF), 0x40, 0x00] // DF, offset 0
            packet += [64, protocolNumber, 0, 0]
            packet += src.address
            packet += dst.address
            let sum = Self.internetChecksum(packet[...])
            packet[10] = UInt8(sum >> 8)
            packet[11] = UInt8(sum & 0xFF)
        } else {
            packet.reserveCapacity(40 + segment.count)
            let length = UInt16(segment.count)
            packet += [0x60, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), protocolNumber, 64]
            packet += src.address
            packet += dst.address
        }
        packet += segment
        return packet
    }

    private static func udpSegment(_ payload: ArraySlice<UInt8>, from src: TraceEndpoint, to dst: TraceEndpoint) -> [UInt8] {
        let length = UInt16(8 + payload.count)
        var segment: [UInt8] = [
            UInt8(src.port >> 8), UInt8(src.port & 0xFF), UInt8(dst.port >> 8), UInt8(dst.port & 0xFF),
            UInt8(length >> 8), UInt8(length & 0xFF), 0, 0,
        ]
        segment += payload
        var sum = transportChecksum(segment, protocolNumber: 17, from: src, to: dst)
        if sum == 0 { sum = 0xFFFF } // RFC 768: a computed zero is sent as all ones
        segment[6] = UInt8(sum >> 8)
        segment[7] = UInt8(sum & 0xFF)
        return segment
    }

    private static func tcpSegment(
        _ payload: ArraySlice<UInt8>, from src: TraceEndpoint, to dst: TraceEndpoint, sequence: UInt32, acknowledgment: UInt32
    ) -> [UInt8] {
        var segment: [UInt8] = [UInt8(src.port >> 8), UInt8(src.port & 0xFF), UInt8(dst.port >> 8), UInt8(dst.port & 0xFF)]
        for value in [sequence, acknowledgment] {
            segment += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
        }
        segment += [0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0] // 20-byte header, PSH|ACK, window 65535, checksum, urgent
        segment += payload
        let sum = transportChecksum(segment, protocolNumber: 6, from: src, to: dst)
        segment[16] = UInt8(sum >> 8)
        segment[17] = UInt8(sum & 0xFF)
        return segment
    }

    /// The UDP/TCP checksum over the pseudo-header (RFC 768; RFC 8200 §8.1) and the segment.
    private static func transportChecksum(_ segment: [UInt8], protocolNumber: UInt8, from src: TraceEndpoint, to dst: TraceEndpoint) -> UInt16 {
        var pseudo = src.address + dst.address
        let length = UInt32(segment.count)
        if src.isIPv4 {
            pseudo += [0, protocolNumber, UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
        } else {
            pseudo += [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), 0, 0, 0, protocolNumber]
        }
        return internetChecksum(pseudo[...], segment[...])
    }

    /// The 16-bit one's complement of the one's complement sum (RFC 1071) over the concatenated parts.
    static func internetChecksum(_ parts: ArraySlice<UInt8>...) -> UInt16 {
        var sum: UInt32 = 0
        var odd: UInt8? = nil
        for part in parts {
            for byte in part {
                if let high = odd {
                    sum &+= UInt32(high) << 8 | UInt32(byte)
                    odd = nil
                } else {
                    odd = byte
                }
            }
        }
        if let high = odd { sum &+= UInt32(high) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    private mutating func appendLE32(_ value: UInt32) {
        bytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    private mutating func appendLE16(_ value: UInt16) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }
}
