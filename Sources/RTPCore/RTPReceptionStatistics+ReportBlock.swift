extension RTPReceptionStatistics {
    /// A report block (RFC 3550 §6.4.1) about source `ssrc` from this state; closes the loss
    /// interval (the fraction lost covers the time since the previous block).
    ///
    /// `lastSenderReport` is the middle 32 bits of the NTP timestamp of the last SR received
    /// from the source (`RTCPReportBlock.compactNTP`), 0 if none; `delaySinceLastSenderReport`
    /// is the time since then in 1/65536 s.
    public mutating func makeReportBlock(
        ssrc: UInt32, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) -> RTCPReportBlock {
        RTCPReportBlock(
            ssrc: ssrc, fractionLost: closeInterval(), cumulativeLost: cumulativeLost,
            extendedHighestSequenceNumber: extendedHighestSequenceNumber, jitter: jitter,
            lastSenderReport: lastSenderReport, delaySinceLastSenderReport: delaySinceLastSenderReport)
    }
}

extension RTCPReportBlock {
    /// The middle 32 bits of a 64-bit NTP timestamp, as LSR carries it (RFC 3550 §6.4.1).
    public static func compactNTP(_ ntpTimestamp: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ntpTimestamp >> 16)
    }
}
