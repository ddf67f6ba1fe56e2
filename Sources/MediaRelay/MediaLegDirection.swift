/// Which way media flows between the gateway and one leg, seen from the gateway (the SDP
/// direction the gateway agreed with that leg, RFC 3264 §6.1 and §8.4): `sendonly` means the
/// gateway sends to the leg but expects nothing back (the leg is held by the other side),
/// `recvonly` that the leg sends (music on hold) and gets nothing, `inactive` neither.
public enum MediaLegDirection: String, Hashable, Sendable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// The gateway sends RTP to this leg: relayed, transcoded and RFC 4733 packets toward a leg
    /// without it are dropped (RTCP still flows, RFC 3264 §5.1).
    public var sends: Bool { self == .sendrecv || self == .sendonly }

    /// The leg is expected to send RTP: the media timeout watches only such legs (a held phone
    /// sends nothing, RFC 3264 §8.4).
    public var receives: Bool { self == .sendrecv || self == .recvonly }
}
