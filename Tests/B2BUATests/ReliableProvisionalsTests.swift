import B2BUA
import SIPCore
import Testing

@Suite struct ReliableProvisionalsTests {
    func provisional(_ extra: String) throws -> SIPMessage {
        let text = "SIP/2.0 183 Session Progress\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
            + "From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: c1\r\nCSeq: 7 INVITE\r\n\(extra)Content-Length: 0\r\n\r\n"
        return try SIPParser().parse(Array(text.utf8))
    }

    @Test func unreliableProvisionalNeedsNothing() throws {
        var tracker = ReliableProvisionals()
        #expect(tracker.receive(try provisional(""), inviteCSeq: 7) == .unreliable)
        #expect(tracker.receive(try provisional("RSeq: 5\r\n"), inviteCSeq: 7) == .unreliable)
    }

    @Test func sequenceOfReliableProvisionals() throws {
        var tracker = ReliableProvisionals()
        let first = try provisional("Require: 100rel\r\nRSeq: 988\r\n")
        #expect(tracker.receive(first, inviteCSeq: 7) == .acknowledge(RAck(responseNumber: 988, cseqNumber: 7, method: "INVITE")))
        #expect(tracker.receive(first, inviteCSeq: 7) == .retransmission(RAck(responseNumber: 988, cseqNumber: 7, method: "INVITE")))
        #expect(tracker.receive(try provisional("Require: 100rel\r\nRSeq: 990\r\n"), inviteCSeq: 7) == .outOfOrder)
        #expect(tracker.receive(try provisional("Require: timer, 100rel\r\nRSeq: 989\r\n"), inviteCSeq: 7)
            == .acknowledge(RAck(responseNumber: 989, cseqNumber: 7, method: "INVITE")))
        #expect(tracker.lastRSeq == 989)
        #expect(ReliableProvisionals.supported == "100rel")
    }

    @Test func requireWithoutRSeqIsMalformed() throws {
        var tracker = ReliableProvisionals()
        #expect(tracker.receive(try provisional("Require: 100rel\r\n"), inviteCSeq: 7) == .malformed)
        #expect(tracker.receive(try provisional("Require: 100rel\r\nRSeq: 0\r\n"), inviteCSeq: 7) == .malformed)
        #expect(tracker.lastRSeq == nil)
    }
}
