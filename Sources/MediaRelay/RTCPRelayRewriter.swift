import RTPCore

/// The RTCP rewrites matching a relayed RTP direction (RFC 3550 §7.2: a translator that changes
/// SSRCs must change them in RTCP too).
///
/// `forward` is the continuity of the stream this RTCP's sender is feeding (its media as sent
/// on to the other leg); `backward` is the continuity of the stream the relay sends to this
/// RTCP's sender (what its report blocks describe).
struct RTCPRelayRewriter: RTCPRewriting {
    var forward: StreamContinuity?
    var backward: StreamContinuity?

    mutating func rewriteSSRC(_ ssrc: UInt32, role: RTCPSSRCRole) -> UInt32? {
        switch role {
        case .sender:
            // The sender's own SSRC becomes the SSRC the other leg sees its media with.
            guard let forward, forward.currentSourceSSRC == ssrc else { return nil }
            return forward.configuration.ssrc
        case .mediaSource:
            // A report about our stream to this leg is, on the other leg, a report about the
            // stream the relay is feeding from there.
            guard let backward, backward.configuration.ssrc == ssrc, let original = backward.currentSourceSSRC else { return nil }
            return original
        }
    }

    mutating func rewriteNACKPacketID(_ packetID: UInt16, ssrc: UInt32) -> UInt16? {
        // A NACK (RFC 4585 §6.2.1) names sequence numbers of our stream to this leg; the
        // source numbered them before the relay's offset.
        guard let backward, backward.configuration.ssrc == ssrc else { return nil }
        return backward.incomingSequenceNumber(forOutgoing: packetID)
    }

    mutating func rewriteSenderReportTimestamp(_ timestamp: UInt32, ssrc: UInt32) -> UInt32? {
        forward?.outgoingTimestamp(for: timestamp, ssrc: ssrc)
    }
}
