import SIPCore

/// ITU-T Q.850 cause values the gateway puts in `Reason` headers (RFC 3326) of BYE, CANCEL and
/// failure responses (RFC 6432), mapped from SIP statuses as RFC 3398 §8.2.6.1 does in reverse.
public enum Q850Cause {
    /// 16: normal call clearing (a BYE with no other reason).
    public static let normalClearing: UInt16 = 16
    /// 19: no answer from user (user alerted): the ring timer expired.
    public static let noAnswer: UInt16 = 19
    /// 31: normal, unspecified.
    public static let normalUnspecified: UInt16 = 31
    /// 102: recovery on timer expiry (no media arrived within the media timeout).
    public static let timerExpiry: UInt16 = 102
    /// 88: incompatible destination (the answer's SDP could not be used).
    public static let incompatibleDestination: UInt16 = 88

    /// INTEROP.md's table (404→1, 408→102, 480→18, 486→17, 503→41, 603→21) completed with
    /// RFC 3398 §8.2.6.1 for the other common statuses.
    public static func cause(forStatus status: Int) -> UInt16 {
        switch status {
        case 404, 485: 1
        case 408, 504: 102
        case 480: 18
        case 486, 600: 17
        case 503, 500: 41
        case 603, 401, 402, 403, 407: 21
        case 410: 22
        case 484: 28
        case 488, 606: 65
        case 502: 38
        case 487: 127
        default: normalUnspecified
        }
    }

    /// `Reason: Q.850;cause=N` for a SIP status.
    public static func reason(forStatus status: Int) -> Reason {
        Reason(protocolName: "Q.850", cause: cause(forStatus: status))
    }

    /// `Reason: Q.850;cause=N`.
    public static func reason(_ cause: UInt16) -> Reason {
        Reason(protocolName: "Q.850", cause: cause)
    }

    /// `Reason: SIP;cause=200;text="Call completed elsewhere"` for the losers of a parallel race
    /// (RFC 3326 §2; the text that phones show to suppress a missed-call entry).
    public static let completedElsewhere = Reason(protocolName: "SIP", cause: 200, text: "Call completed elsewhere")
}
