import SIPCore
import SIPTransaction
import Testing

/// The ACK and CANCEL a client transaction needs are built by SIPCore (`SIPMessage.makeACK`,
/// `SIPMessage.makeCancel`); these tests hold them to the rules the transaction layer relies on.
@Suite struct AckAndCancelTests {
    /// §17.1.1.3: Request-URI, Call-ID, From, CSeq number from the request; To (with its tag) from
    /// the response; exactly one Via, the request's top one; the request's Route fields.
    @Test func ackForNon2xxFollowsSection17_1_1_3() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let busy = SIPMessage.makeResponse(to: invite, status: 486, toTag: "a6c85cf")
        let built = try #require(SIPMessage.makeACK(for: invite, response: busy))
        let ack = try SIPParser().parse(built.serialized())
        #expect(ack.method == .ack)
        #expect(ack.requestLine?.uriString == "sip:bob@biloxi.example.com")
        #expect(ack.headers.values(.via).map { String(decoding: $0, as: UTF8.self) } == [
            "SIP/2.0/UDP pc33.Atlanta.example.com:5060;branch=z9hG4bK776asdhds",
        ])
        #expect(ack.headers.values(.route).count == 2)
        #expect(ack.toTag == "a6c85cf")
        #expect(ack.fromTag == "1928301774")
        #expect(ack.callID == invite.callID)
        #expect(ack.cseqNumber == 314159)
        #expect(ack.headers["CSeq"] == "314159 ACK")
        #expect(ack.body.isEmpty)
    }

    /// §9.1: Request-URI, Call-ID, To, From and CSeq number identical to the request (tags too),
    /// one Via equal to the request's top Via, the request's Route fields, method CANCEL.
    @Test func cancelFollowsSection9_1() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let built = try #require(SIPMessage.makeCancel(for: invite))
        let cancel = try SIPParser().parse(built.serialized())
        #expect(cancel.method == .cancel)
        #expect(cancel.requestLine?.uriBytes.elementsEqual(invite.requestLine!.uriBytes) == true)
        #expect(cancel.headers.values(.via).count == 1)
        #expect(cancel.topViaBranch == invite.topViaBranch)
        #expect(cancel.headers["To"] == invite.headers["To"])
        #expect(cancel.headers["From"] == invite.headers["From"])
        #expect(cancel.callID == invite.callID)
        #expect(cancel.headers["CSeq"] == "314159 CANCEL")
        #expect(cancel.headers.values(.route).count == 2)
    }

    @Test func ackAndCancelNeedARequest() throws {
        let invite = try fixture("invite-via-proxy.sip")
        let response = SIPMessage.makeResponse(to: invite, status: 486)
        #expect(SIPMessage.makeCancel(for: response) == nil)
        #expect(SIPMessage.makeACK(for: response, response: response) == nil)
    }
}
