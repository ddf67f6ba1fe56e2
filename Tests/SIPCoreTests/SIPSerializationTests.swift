import NIOCore
import Testing
@testable import SIPCore

@Suite struct SIPSerializationTests {
    @Test(arguments: ["invite-sdp.sip", "ok-200.sip"])
    func untouchedMessageIsByteIdentical(name: String) throws {
        let bytes = try fixture(name)
        let message = try SIPParser().parse(bytes)
        #expect(message.isUnchanged)
        #expect(message.serialized() == bytes)
        var buffer: [UInt8] = Array("prefix".utf8)
        message.write(into: &buffer)
        #expect(buffer == Array("prefix".utf8) + bytes)
    }

    @Test func oddFormattingSurvivesARoundTrip() throws {
        let text = "REGISTER   sip:registrar.example.com SIP/2.0\r\n".replacingOccurrences(of: "   ", with: " ")
            + "v:SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-1  \r\n"
            + "TO :  <sip:a@example.com>\r\n"
            + "f:<sip:a@example.com>;tag=x\r\n"
            + "i:  id@host\r\n"
            + "CSEQ: 2\r\n   REGISTER\r\n"
            + "Expires:3600\r\n"
            + "l: 0\r\n\r\n"
        let bytes = Array(text.utf8)
        let message = try SIPParser().parse(bytes)
        #expect(message.serialized() == bytes)
        #expect(message.expires == 3600)
        #expect(try message.cseq == CSeq(sequenceNumber: 2, method: "REGISTER"))
        // A change elsewhere keeps every untouched line's bytes.
        var changed = message
        changed.headers.set(.expires, value: "60")
        #expect(changed.serializedString == text.replacingOccurrences(of: "Expires:3600", with: "Expires: 60"))
    }

    @Test func changedHeadersAreWrittenCanonically() throws {
        var message = try SIPParser().parse(try fixture("invite-sdp.sip"))
        message.headers.prepend(.via, value: "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKgw1")
        message.headers.set(.maxForwards, value: "69")
        message.headers.removeAll(.allow)
        message.headers.removeAll(.userAgent)
        message.headers.append(HeaderName("x-gatehouse"), value: "leg=b")
        message.headers.replaceValue(at: message.headers.firstIndex(of: .supported)!, with: "timer")
        message.body = ArraySlice("v=0\r\n".utf8)
        #expect(!message.isUnchanged)
        #expect(message.serializedString == """
            INVITE sip:+4930123456@trunk.example.net;user=phone SIP/2.0\r
            Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKgw1\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r
            Max-Forwards: 69\r
            To: <sip:+4930123456@trunk.example.net;user=phone>\r
            From: "Door Station" <sip:door@pbx.example.com>;tag=1928301774\r
            Call-ID: a84b4c76e66710@pc33.example.com\r
            CSeq: 314159 INVITE\r
            Contact: <sip:door@192.0.2.10:5060;transport=udp>\r
            Supported: timer\r
            Session-Expires: 1800;refresher=uac\r
            Content-Type: application/sdp\r
            Content-Length: 5\r
            x-gatehouse: leg=b\r
            \r
            v=0\r

            """)
        // Parsing the rewrite gives the same fields back.
        let reparsed = try SIPParser().parse(message.serialized())
        #expect(reparsed.headers.values(.via).count == 2)
        #expect(reparsed.contentLength == 5)
        #expect(reparsed.serialized() == message.serialized())
    }

    /// The ByteBuffer writer writes what the array writer writes, for unchanged, changed and
    /// built messages (start line, Content-Length, separator and body written part by part).
    @Test func byteBufferGetsTheSameBytesAsTheArray() throws {
        var changed = try SIPParser().parse(try fixture("invite-sdp.sip"))
        changed.headers.prepend(.via, value: "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKgw1")
        changed.body = ArraySlice("v=0\r\n".utf8)
        var restarted = try parse(minimalRequest)
        restarted.startLine = .request(SIPRequestLine(method: .options, uri: "sip:carol@example.org"))
        var response = try SIPParser().parse(try fixture("ok-200.sip"))
        response.startLine = .response(SIPStatusLine(statusCode: 486, reason: "Busy Here"))
        response.setBody([], contentType: nil)
        let built = SIPMessage.makeResponse(to: try parse(minimalRequest), status: 180, reason: "Ringing", toTag: "t1")
        for message in [try SIPParser().parse(try fixture("ok-200.sip")), changed, restarted, response, built] {
            var buffer = ByteBuffer(string: "prefix")
            message.write(into: &buffer)
            #expect(Array(buffer.readableBytesView) == Array("prefix".utf8) + message.serialized())
        }
    }

    /// Lengths and status codes are written digit by digit: every width, zeros inside.
    @Test(arguments: [0, 7, 10, 99, 100, 305, 1000, 4096, 10_000, 65_535])
    func contentLengthDigits(length: Int) throws {
        var message = try parse(minimalRequest)
        message.setBody(Array(repeating: UInt8(ascii: "x"), count: length), contentType: length == 0 ? nil : "text/plain")
        #expect(message.serializedString.contains("\r\nContent-Length: \(length)\r\n"))
        #expect(!message.serializedString.contains("\r\nContent-Length: \(length)0"))
        var response = try SIPParser().parse(try fixture("ok-200.sip"))
        response.startLine = .response(SIPStatusLine(statusCode: 100 + length % 600, reason: "R"))
        #expect(response.serializedString.hasPrefix("SIP/2.0 \(100 + length % 600) R\r\n"))
    }

    @Test func settingTheBodyWritesContentTypeAndLength() throws {
        // A datagram without Content-Length gets one once its body is set.
        var message = try parse(minimalRequest.replacingOccurrences(of: "Content-Length: 0\n", with: ""))
        message.setBody(Array("v=0\r\n".utf8), contentType: "application/sdp")
        #expect(message.serializedString.hasSuffix("Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n"))
        message.setBody([], contentType: nil)
        #expect(message.serializedString.hasSuffix("CSeq: 63104 OPTIONS\r\nContent-Length: 0\r\n\r\n"))
    }

    @Test func changedStartLineIsWrittenCanonically() throws {
        var message = try parse(minimalRequest)
        message.startLine = .request(SIPRequestLine(method: .options, uri: "sip:carol@example.org"))
        #expect(message.serializedString.hasPrefix("OPTIONS sip:carol@example.org SIP/2.0\r\nVia: SIP/2.0/UDP host"))
        var response = try SIPParser().parse(try fixture("ok-200.sip"))
        response.startLine = .response(SIPStatusLine(statusCode: 200, reason: "Okay"))
        #expect(response.serializedString.hasPrefix("SIP/2.0 200 Okay\r\nVia:"))
    }

    @Test func removingTheTopValueOfAListField() throws {
        var message = try parse(minimalRequest.replacingOccurrences(
            of: "Max-Forwards: 70\n", with: "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\nRoute: <sip:p3;lr>\n"))
        message.headers.removeFirstValue(.route)
        #expect(message.headers.values(.route).map { String(decoding: $0, as: UTF8.self) } == ["<sip:p2.example.com;lr>", "<sip:p3;lr>"])
        #expect(message.serializedString.contains("Route: <sip:p2.example.com;lr>\r\nRoute: <sip:p3;lr>\r\n"))
        message.headers.removeFirstValue(.route)
        message.headers.removeFirstValue(.route)
        #expect(!message.headers.contains(.route))
        message.headers.removeFirstValue(.to)
        #expect(!message.headers.contains(.to))
    }

    @Test func buildingARequestFromScratch() throws {
        var headers = SIPHeaders()
        headers.append(.via, try Via(parsing: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9"))
        headers.append(.maxForwards, value: "70")
        headers.append(.from, value: "<sip:gw@example.com>;tag=9fxced76sl")
        headers.append(.to, value: "<sip:bob@example.org>")
        headers.append(.callID, value: "3848276298220188511@example.com")
        headers.append(.cseq, CSeq(sequenceNumber: 1, method: "INVITE"))
        headers.append(.contentType, value: "application/sdp")
        let uri = try URI(parsing: "sip:bob@example.org")
        let message = SIPMessage(request: SIPRequestLine(method: .invite, uri: uri), headers: headers, body: Array("v=0\r\n".utf8))
        let expected = """
            INVITE sip:bob@example.org SIP/2.0\r
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r
            Max-Forwards: 70\r
            From: <sip:gw@example.com>;tag=9fxced76sl\r
            To: <sip:bob@example.org>\r
            Call-ID: 3848276298220188511@example.com\r
            CSeq: 1 INVITE\r
            Content-Type: application/sdp\r
            Content-Length: 5\r
            \r
            v=0\r

            """
        #expect(message.serializedString == expected)
        #expect(try SIPParser().parse(message.serialized()).serializedString == expected)
    }

    @Test func responseToARequest() throws {
        let request = try SIPParser().parse(try fixture("invite-sdp.sip"))
        let ringing = request.makeResponse(status: 180, toTag: "as6151f1b2")
        #expect(ringing.serializedString == """
            SIP/2.0 180 Ringing\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r
            From: "Door Station" <sip:door@pbx.example.com>;tag=1928301774\r
            To: <sip:+4930123456@trunk.example.net;user=phone>;tag=as6151f1b2\r
            Call-ID: a84b4c76e66710@pc33.example.com\r
            CSeq: 314159 INVITE\r
            Content-Length: 0\r
            \r

            """)
        let trying = SIPMessage.makeResponse(to: request, status: 100)
        #expect(trying.toTag == nil)
        #expect(trying.statusLine?.reason == "Trying")
        let busy = SIPMessage.makeResponse(to: request, status: 486)
        #expect(busy.toTag?.isEmpty == false)
        #expect(busy.statusLine?.reason == "Busy Here")
        // A To that already has a tag keeps it.
        let inDialog = try parse(minimalRequest.replacingOccurrences(of: "To: <sip:bob@example.com>", with: "To: <sip:bob@example.com>;tag=abc"))
        #expect(inDialog.makeResponse(status: 200).toTag == "abc")
    }

    @Test func cancelAndACK() throws {
        let invite = try parse("""
            INVITE sip:bob@biloxi.com SIP/2.0
            Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8
            Via: SIP/2.0/UDP proxy.atlanta.com;branch=z9hG4bKp1
            Route: <sip:proxy.biloxi.com;lr>
            Max-Forwards: 70
            To: Bob <sip:bob@biloxi.com>
            From: Alice <sip:alice@atlanta.com>;tag=1928301774
            Call-ID: a84b4c76e66710
            CSeq: 314159 INVITE
            Contact: <sip:alice@pc33.atlanta.com>
            Content-Length: 0


            """)
        let cancel = try #require(SIPMessage.makeCancel(for: invite))
        #expect(cancel.serializedString == """
            CANCEL sip:bob@biloxi.com SIP/2.0\r
            Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8\r
            Route: <sip:proxy.biloxi.com;lr>\r
            Max-Forwards: 70\r
            From: Alice <sip:alice@atlanta.com>;tag=1928301774\r
            To: Bob <sip:bob@biloxi.com>\r
            Call-ID: a84b4c76e66710\r
            CSeq: 314159 CANCEL\r
            Content-Length: 0\r
            \r

            """)
        let busy = invite.makeResponse(status: 486, toTag: "8321234356")
        let ack = try #require(SIPMessage.makeACK(for: invite, response: busy))
        #expect(ack.method == .ack)
        #expect(ack.toTag == "8321234356")
        #expect(ack.headers[.cseq] == "314159 ACK")
        #expect(ack.headers.values(.via).count == 1)
        #expect(SIPMessage.makeCancel(for: busy) == nil)
    }
}
