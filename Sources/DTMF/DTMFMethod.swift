/// How a digit travelled on one leg: where it came from or left by. Used for logs and CDRs
/// ("arrived by rfc4733, left by info").
public enum DTMFMethod: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// RTP telephone-events (RFC 4733).
    case rfc4733
    /// SIP INFO with an `application/dtmf-relay` or `application/dtmf` body (RFC 6086 legacy use).
    case info
    /// Dual tones in the audio itself (ITU-T Q.23/Q.24).
    case inband

    public var description: String { rawValue }
}
