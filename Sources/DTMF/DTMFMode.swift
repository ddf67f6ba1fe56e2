/// How DTMF is exchanged with one endpoint: its dial-plan setting.
public enum DTMFMode: String, Hashable, Sendable, CaseIterable, Codable {
    /// Decide per call from the peer's SDP and the endpoint profile (`resolve`).
    case auto
    /// RTP telephone-events (RFC 4733).
    case rfc4733
    /// SIP INFO bodies.
    case info
    /// Tones in the audio.
    case inband

    /// The method used to *send* digits to a leg.
    ///
    /// `auto`: RFC 4733 when the peer offered telephone-event, else INFO if the endpoint profile
    /// allows it, else in-band (INTEROP.md). An explicit `rfc4733` on a leg whose peer did not
    /// negotiate telephone-event cannot work and resolves as `auto` would; explicit `info` and
    /// `inband` are honoured as configured.
    public func resolve(peerOfferedTelephoneEvent: Bool, infoAllowed: Bool) -> DTMFMethod {
        switch self {
        case .info: return .info
        case .inband: return .inband
        case .rfc4733, .auto:
            if peerOfferedTelephoneEvent { return .rfc4733 }
            return infoAllowed ? .info : .inband
        }
    }

    /// Whether received audio of this leg must run through the in-band detector: in `inband`
    /// mode, and in `auto` when the peer offered no telephone-event. RFC 4733 and INFO are
    /// always accepted on receive, whatever the mode.
    public func detectsInBand(peerOfferedTelephoneEvent: Bool) -> Bool {
        switch self {
        case .inband: true
        case .auto: !peerOfferedTelephoneEvent
        case .rfc4733, .info: false
        }
    }
}
