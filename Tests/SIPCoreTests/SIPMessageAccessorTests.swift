import Testing
@testable import SIPCore

@Suite struct SIPMessageAccessorTests {
    static let request = """
        INVITE sip:+4930123456@trunk.example.net;user=phone SIP/2.0
        Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK776asdhds;rport, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKold
        Max-Forwards: 69
        To: "Carrier" <sip:+4930123456@trunk.example.net;user=phone>
        From: "Door Station" <sip:door@pbx.example.com>;tag=1928301774
        Call-ID: a84b4c76e66710@pc33.example.com
        CSeq: 314159 INVITE
        Contact: <sip:door@192.0.2.10:5061;transport=tls>;expires=600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"
        Route: <sip:edge.example.net;lr>
        Record-Route: <sip:rr1.example.net;lr>, <sip:rr2.example.net;lr>
        Supported: replaces, timer
        Supported: 100rel
        Require: timer
        Session-Expires: 1800;refresher=uac
        Min-SE: 90
        Expires: 120
        Reason: Q.850;cause=16;text="Normal call clearing"
        RSeq: 988789
        RAck: 776656 1 INVITE
        P-Asserted-Identity: "Door" <sip:door@pbx.example.com>, <tel:+4930999>
        Diversion: <sip:+4930111@pbx.example.com>;reason=unconditional;counter=1
        Authorization: Digest username="door", realm="example.com", nonce="abc", uri="sip:trunk.example.net", response="0123456789abcdef0123456789abcdef"
        Proxy-Authenticate: Digest realm="example.net", nonce="xyz", qop="auth", algorithm=MD5
        Content-Type: application/sdp
        Content-Length: 0


        """

    @Test func typedValues() throws {
        let message = try parse(Self.request)
        let uri = try #require(try message.requestURI)
        #expect(uri.sipURI?.user == "+4930123456")
        #expect(try message.topVia?.branch == "z9hG4bK776asdhds")
        #expect(try message.topVia?.transport == "TLS")
        #expect(try message.topVia?.isRFC3261Branch == true)
        #expect(try message.via.count == 2)
        #expect(try message.from?.displayName == "Door Station")
        #expect(try message.from?.tag == "1928301774")
        #expect(try message.to?.tag == nil)
        #expect(try message.to?.sipURI?.host == .name("trunk.example.net"))
        #expect(try message.cseq == CSeq(sequenceNumber: 314159, method: "INVITE"))
        #expect(message.callID == "a84b4c76e66710@pc33.example.com")
        #expect(message.maxForwards == 69)
        #expect(message.contentLength == 0)
        #expect(message.expires == 120)
        let contact = try #require(try message.contact.first)
        #expect(contact.expires == 600)
        #expect(contact.instance == "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")
        #expect(try message.route.map { $0.sipURI?.host } == [.name("edge.example.net")])
        #expect(try message.recordRoute.count == 2)
        #expect(try message.supported.tags == ["replaces", "timer", "100rel"])
        #expect(try message.supported.contains("100REL"))
        #expect(try message.require.tags == ["timer"])
        #expect(try message.proxyRequire.isEmpty)
        #expect(try message.unsupported.isEmpty)
        #expect(try message.sessionExpires?.seconds == 1800)
        #expect(try message.sessionExpires?.refresher == .uac)
        #expect(message.minSE == 90)
        #expect(try message.reason.first?.cause == 16)
        #expect(try message.reason.first?.isQ850 == true)
        #expect(message.rseq == 988789)
        #expect(try message.rack == RAck(responseNumber: 776656, cseqNumber: 1, method: "INVITE"))
        #expect(try message.pAssertedIdentity.count == 2)
        #expect(try message.pAssertedIdentity.last?.uri.telURI != nil)
        #expect(try message.pPreferredIdentity.isEmpty)
        #expect(try message.diversion.first?.parameters["reason"] == "unconditional")
        #expect(try message.authorization.first?.username == "door")
        #expect(try message.authorization.first?.uri == "sip:trunk.example.net")
        #expect(try message.proxyAuthorization.isEmpty)
        #expect(try message.proxyAuthenticate.first?.nonce == "xyz")
        #expect(try message.wwwAuthenticate.isEmpty)
        #expect(try message.contentType?.isSDP == true)
    }

    @Test func absentHeadersAreNil() throws {
        let message = try parse(minimalRequest)
        #expect(try message.contact.isEmpty)
        #expect(try message.sessionExpires == nil)
        #expect(try message.rack == nil)
        #expect(message.rseq == nil)
        #expect(message.expires == nil)
        #expect(message.minSE == nil)
        #expect(try message.contentType == nil)
        let response = try SIPParser().parse(try fixture("ok-200.sip"))
        #expect(try response.requestURI == nil)
    }

    @Test func malformedValueThrowsWithAnOffsetIntoTheMessage() throws {
        let text = minimalRequest.replacingOccurrences(of: "CSeq: 63104 OPTIONS", with: "CSeq: many OPTIONS")
        let bytes = crlf(text)
        let message = try SIPParser().parse(bytes)  // the framing is fine: only the value is bad
        do {
            _ = try message.cseq
            Issue.record("expected a grammar error")
        } catch {
            let many = Array("many".utf8)
            let position = try #require(bytes.indices.first { bytes[$0...].starts(with: many) })
            #expect(error.offset == position)
        }
        #expect(message.cseqNumber == nil)
    }

    @Test func typedValuesCanBeWritten() throws {
        var message = try parse(minimalRequest)
        var via = try #require(try message.topVia)
        via.parameters.set("received", to: "203.0.113.9")
        message.headers.removeFirstValue(.via)
        message.headers.prepend(.via, via)
        message.headers.set(.sessionExpires, SessionExpires(seconds: 90, refresher: .uas))
        #expect(message.headers[.via] == "SIP/2.0/UDP host.example.com;branch=z9hG4bKnashds7;received=203.0.113.9")
        #expect(try message.topVia?.received == "203.0.113.9")
        #expect(try message.sessionExpires?.refresher == .uas)
    }
}
