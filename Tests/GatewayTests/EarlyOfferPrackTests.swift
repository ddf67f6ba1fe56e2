import SIPCore
import Testing
@testable import Gateway

/// The caller's PRACK for our reliable 183 (CallContext+EarlyOffer): it must name the
/// provisional's RSeq and the INVITE's CSeq and method (RFC 3262 §3), else 481.
@Suite struct EarlyOfferPrackTests {
    static func message(_ method: String, cseq: Int, extra: [String]) throws -> SIPMessage {
        try sipRequest([
            "\(method) sip:gatehouse@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-\(method)",
            "Max-Forwards: 70", "From: <sip:door@192.0.2.10>;tag=door", "To: <sip:101@127.0.0.1>",
            "Call-ID: early-1", "CSeq: \(cseq) \(method)",
        ] + extra, credentials: nil)
    }

    @Test func theRAckMustNameOurProvisional() throws {
        let invite = try Self.message("INVITE", cseq: 7, extra: ["Supported: timer, 100rel"])
        let good = try Self.message("PRACK", cseq: 8, extra: ["RAck: 4711 7 INVITE"])
        #expect(CallContext.prackMatches(good, rseq: 4711, invite: invite))
        for rack in ["4710 7 INVITE", "4711 6 INVITE", "4711 7 UPDATE", "nonsense"] {
            let other = try Self.message("PRACK", cseq: 8, extra: ["RAck: \(rack)"])
            #expect(!CallContext.prackMatches(other, rseq: 4711, invite: invite), "\(rack)")
        }
        let none = try Self.message("PRACK", cseq: 8, extra: [])
        #expect(!CallContext.prackMatches(none, rseq: 4711, invite: invite))
    }

    @Test func retransmissionsDoubleFromT1ForSixtyFourT1() {
        var (elapsed, interval) = (Duration.zero, CallContext.reliableT1)
        var retransmissions: [Duration] = []
        while case .retransmit(let after) = CallContext.reliableStep(elapsed: elapsed, interval: interval) {
            retransmissions.append(after)
            elapsed += after
            interval = after * 2
        }
        #expect(retransmissions == [0.5, 1, 2, 4, 8, 16].map { Duration.milliseconds(Int($0 * 1000)) })
        #expect(CallContext.reliableStep(elapsed: elapsed, interval: interval) == .giveUp(after: .milliseconds(500)),
                "the call fails 64·T1 = 32 s after the first transmission")
    }
}
