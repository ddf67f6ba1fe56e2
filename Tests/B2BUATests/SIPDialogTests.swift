import B2BUA
import SIPCore
import Testing

/// RFC 3261 §12 dialogs: creation on both sides, in-dialog requests with loose and strict
/// routing (golden text), matching and the CSeq check.
@Suite struct SIPDialogTests {
    static func parse(_ text: String) throws -> SIPMessage {
        try SIPParser().parse(text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    static let callerInvite = """
        INVITE sip:101@gw.example.net SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKa1
        Record-Route: <sip:p1.example.net;lr>
        Record-Route: <sip:p2.example.net;lr>
        Max-Forwards: 70
        From: "Door" <sip:door@gw.example.net>;tag=door1
        To: <sip:101@gw.example.net>
        Call-ID: c1@192.0.2.10
        CSeq: 7 INVITE
        Contact: <sip:door@192.0.2.10:5062>
        Content-Length: 0


        """

    @Test func uasDialogFromInviteAndOurResponse() throws {
        let invite = try Self.parse(Self.callerInvite)
        let ringing = invite.makeResponse(status: 180, toTag: "gw1")
        var dialog = try SIPDialog(uas: invite, response: ringing)
        #expect(dialog.id == .init(callID: "c1@192.0.2.10", localTag: "gw1", remoteTag: "door1"))
        #expect(dialog.isEarly)
        #expect(dialog.remoteSequence == 7)
        let bye = dialog.makeRequest(.bye, headers: [(.reason, "Q.850;cause=16")])
        #expect(bye.message.serializedString == """
            BYE sip:door@192.0.2.10:5062 SIP/2.0\r
            Route: <sip:p1.example.net;lr>\r
            Route: <sip:p2.example.net;lr>\r
            Max-Forwards: 70\r
            From: <sip:101@gw.example.net>;tag=gw1\r
            To: "Door" <sip:door@gw.example.net>;tag=door1\r
            Call-ID: c1@192.0.2.10\r
            CSeq: 1 BYE\r
            Reason: Q.850;cause=16\r
            Content-Length: 0\r
            \r

            """)
        #expect(bye.nextHop.description == "sip:p1.example.net;lr")
    }

    static let ourInvite = """
        INVITE sip:alice@198.51.100.7:5070 SIP/2.0
        Via: SIP/2.0/UDP 203.0.113.1:5060;branch=z9hG4bKb1
        Max-Forwards: 70
        From: <sip:door@gw.example.net>;tag=gw2
        To: <sip:101@198.51.100.7>
        Call-ID: leg1@gw
        CSeq: 1 INVITE
        Contact: <sip:gw@203.0.113.1:5060>
        Content-Length: 0


        """

    static func answer(_ status: Int, recordRoute: [String], contact: String) throws -> SIPMessage {
        let routes = recordRoute.map { "Record-Route: \($0)\n" }.joined()
        return try parse("""
            SIP/2.0 \(status) X
            Via: SIP/2.0/UDP 203.0.113.1:5060;branch=z9hG4bKb1
            \(routes)From: <sip:door@gw.example.net>;tag=gw2
            To: <sip:101@198.51.100.7>;tag=alice9
            Call-ID: leg1@gw
            CSeq: 1 INVITE
            Contact: \(contact)
            Content-Length: 0


            """)
    }

    @Test func uacDialogReversesRecordRouteAndBuildsTheAck() throws {
        let invite = try Self.parse(Self.ourInvite)
        let ok = try Self.answer(200, recordRoute: ["<sip:edge2.example.net;lr>", "<sip:edge1.example.net;lr>"],
                                 contact: "<sip:alice@198.51.100.7:5070;transport=udp>")
        var dialog = try SIPDialog(uac: invite, response: ok)
        #expect(!dialog.isEarly)
        #expect(dialog.routeSet.map(\.description) == ["<sip:edge1.example.net;lr>", "<sip:edge2.example.net;lr>"])
        let ack = dialog.makeAck(inviteSequence: 1)
        #expect(ack.message.serializedString == """
            ACK sip:alice@198.51.100.7:5070;transport=udp SIP/2.0\r
            Route: <sip:edge1.example.net;lr>\r
            Route: <sip:edge2.example.net;lr>\r
            Max-Forwards: 70\r
            From: <sip:door@gw.example.net>;tag=gw2\r
            To: <sip:101@198.51.100.7>;tag=alice9\r
            Call-ID: leg1@gw\r
            CSeq: 1 ACK\r
            Content-Length: 0\r
            \r

            """)
        let reinvite = dialog.makeRequest(.invite, contact: "<sip:gw@203.0.113.1:5060>", body: Array("v=0\r\n".utf8),
                                          contentType: "application/sdp")
        #expect(reinvite.message.headers[.cseq] == "2 INVITE")
        #expect(reinvite.message.headers[.contact] == "<sip:gw@203.0.113.1:5060>")
        #expect(reinvite.message.headers[.contentType] == "application/sdp")
        #expect(reinvite.message.bodyString == "v=0\r\n")
        #expect(dialog.localSequence == 2)
    }

    @Test func strictRouterGoesInTheRequestURI() throws {
        let invite = try Self.parse(Self.ourInvite)
        let ok = try Self.answer(200, recordRoute: ["<sip:strict.example.net>"], contact: "<sip:alice@198.51.100.7:5070>")
        var dialog = try SIPDialog(uac: invite, response: ok)
        let info = dialog.makeRequest(.info, body: Array("Signal=5\r\nDuration=160\r\n".utf8),
                                      contentType: "application/dtmf-relay")
        #expect(info.message.serializedString == """
            INFO sip:strict.example.net SIP/2.0\r
            Route: <sip:alice@198.51.100.7:5070>\r
            Max-Forwards: 70\r
            From: <sip:door@gw.example.net>;tag=gw2\r
            To: <sip:101@198.51.100.7>;tag=alice9\r
            Call-ID: leg1@gw\r
            CSeq: 2 INFO\r
            Content-Type: application/dtmf-relay\r
            Content-Length: 24\r
            \r
            Signal=5\r
            Duration=160\r

            """)
        #expect(info.nextHop.description == "sip:strict.example.net")
    }

    @Test func earlyDialogTakesTheRouteSetAndTargetOfThe2xx() throws {
        let invite = try Self.parse(Self.ourInvite)
        let ringing = try Self.answer(180, recordRoute: ["<sip:early.example.net;lr>"], contact: "<sip:alice@10.0.0.1>")
        var dialog = try SIPDialog(uac: invite, response: ringing)
        #expect(dialog.isEarly)
        let ok = try Self.answer(200, recordRoute: [], contact: "<sip:alice@198.51.100.7:5070>")
        dialog.update(with: ok)
        #expect(!dialog.isEarly)
        #expect(dialog.routeSet.isEmpty)
        #expect(dialog.remoteTarget.description == "sip:alice@198.51.100.7:5070")
        let bye = dialog.makeRequest(.bye)
        #expect(bye.message.requestLine?.uriString == "sip:alice@198.51.100.7:5070")
        #expect(!bye.message.headers.contains(.route))
    }

    @Test func responseWithoutToTagCreatesNoDialog() throws {
        let invite = try Self.parse(Self.ourInvite)
        let trying = invite.makeResponse(status: 100)
        #expect(throws: SIPDialogError.missingRemoteTag) { try SIPDialog(uac: invite, response: trying) }
    }

    @Test func matchingAndCSeqOrdering() throws {
        let invite = try Self.parse(Self.callerInvite)
        var dialog = try SIPDialog(uas: invite, response: invite.makeResponse(status: 200, toTag: "gw1"))
        func request(_ method: String, cseq: Int, toTag: String = "gw1", callID: String = "c1@192.0.2.10") throws -> SIPMessage {
            try Self.parse("""
                \(method) sip:101@203.0.113.1 SIP/2.0
                Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK\(method)\(cseq)
                From: <sip:door@gw.example.net>;tag=door1
                To: <sip:101@gw.example.net>;tag=\(toTag)
                Call-ID: \(callID)
                CSeq: \(cseq) \(method)
                Contact: <sip:door@192.0.2.99:5062>
                Content-Length: 0


                """)
        }
        #expect(dialog.matches(try request("BYE", cseq: 8)))
        #expect(!dialog.matches(try request("BYE", cseq: 8, toTag: "other")))
        #expect(!dialog.matches(try request("BYE", cseq: 8, callID: "c2@192.0.2.10")))
        #expect(SIPDialog.incomingID(of: try request("BYE", cseq: 8)) == dialog.id)
        // §12.2.2: 8 > 7 accepted; then 6 is lower than 8: 500. ACK is never checked.
        let reinvite = try request("INVITE", cseq: 8)
        #expect(dialog.checkSequence(of: reinvite) == .accept)
        dialog.refreshTarget(from: reinvite)
        #expect(dialog.remoteTarget.description == "sip:door@192.0.2.99:5062")
        #expect(dialog.checkSequence(of: try request("INFO", cseq: 6)) == .outOfOrder)
        #expect(dialog.checkSequence(of: try request("ACK", cseq: 1)) == .accept)
        #expect(dialog.remoteSequence == 8)
    }
}
