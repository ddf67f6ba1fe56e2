/// What a datagram arriving on a media port is, decided from its first two octets.
///
/// RFC 7983 §7 splits by the first octet: 0…3 STUN, 16…19 ZRTP, 20…63 DTLS, 64…79 TURN
/// channel, 128…191 RTP/RTCP. RFC 5761 §4 then tells RTCP from RTP on a muxed port: an octet-2
/// value (marker bit masked) of 64…95 is an RTCP packet type (SR=200 … 223 less the marker
/// bit), because RTP payload types 64…95 are never used with rtcp-mux.
public enum MediaPacketKind: Hashable, Sendable {
    /// An RTP packet (first octet 128…191, payload type outside 64…95).
    case rtp
    /// An RTCP packet (first octet 128…191, second octet's low 7 bits 64…95).
    case rtcp
    /// A STUN message (ICE connectivity checks, consent).
    case stun
    /// A DTLS record (DTLS-SRTP key exchange).
    case dtls
    /// A ZRTP packet.
    case zrtp
    /// A TURN ChannelData message.
    case turnChannel
    /// Anything else, including datagrams shorter than 2 octets.
    case unknown

    /// Payload types that collide with RTCP packet types on a muxed port (RFC 5761 §4).
    public static let rtcpPayloadTypeRange: ClosedRange<UInt8> = 64...95

    /// Classifies a datagram by its first octets.
    @inlinable
    public init(classifying bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 1 else {
            self = .unknown
            return
        }
        switch bytes[0] {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannel
        case 128...191:
            guard bytes.count >= 2 else {
                self = .unknown
                return
            }
            self = Self.rtcpPayloadTypeRange.contains(bytes[1] & 0x7F) ? .rtcp : .rtp
        default: self = .unknown
        }
    }
}
