/// The fuzz targets of `scripts/fuzz` beyond the SIP parsers (those are in SIPCoreFuzz): each
/// takes one input and traps (`fatalError`) only when a parser breaks a promise; a parse error
/// is a normal outcome. The same code runs under libFuzzer (`-DGATEHOUSE_FUZZING`) and in the
/// plain replay build, and `Tests/GatehouseFuzzTests` replays every kept crash through it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case sdp, dialplan, rtp, rtcp, rfc4733
    case dtmfInfo = "dtmf-info"

    /// Runs one input.
    public func run(_ input: [UInt8]) {
        switch self {
        case .sdp: SDPFuzzHarness.run(input)
        case .dialplan: DialPlanFuzzHarness.run(input)
        case .rtp: MediaFuzzHarness.rtp(input)
        case .rtcp: MediaFuzzHarness.rtcp(input)
        case .rfc4733: MediaFuzzHarness.telephoneEvent(input)
        case .dtmfInfo: MediaFuzzHarness.infoBody(input)
        }
    }
}
