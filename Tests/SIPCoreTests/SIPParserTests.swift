import Testing
@testable import SIPCore

@Suite struct SIPParserTests {
    @Test func parsesInviteWithSDP() throws {
        let bytes = try fixture("invite-sdp.sip")
        let message = try SIPParser().parse(bytes)
        #expect(message.method == .invite)
        #expect(message.requestLine?.uriString == "sip:+4930123456@trunk.example.net;user=phone")
        #expect(message.headers.count == 13)
        #expect(message.callID == "a84b4c76e66710@pc33.example.com")
        #expect(message.cseqNumber == 314159)
        #expect(message.maxForwards == 70)
        #expect(message.contentLength == 273)
        #expect(message.body.count == 273)
        #expect(message.bodyString.hasPrefix("v=0\r\no=door"))
        #expect(message.fromTag == "1928301774")
        #expect(message.toTag == nil)
        #expect(message.topViaBranch == "z9hG4bK776asdhds")
        #expect(message.headers[.contentType] == "application/sdp")
        #expect(message.headers.values(.allow).count == 10)
        #expect(message.headers.values(.supported).map { String(decoding: $0, as: UTF8.self) } == ["replaces", "timer", "100rel"])
    }

    @Test func parsesResponse() throws {
        let message = try SIPParser().parse(try fixture("ok-200.sip"))
        #expect(message.statusCode == 200)
        #expect(message.statusLine?.reason == "OK")
        #expect(message.method == nil)
        #expect(message.toTag == "as6151f1b2")
        #expect(message.body.count == 159)
    }

    @Test func statusLineWithoutReasonPhrase() throws {
        let message = try parse(minimalRequest.replacingOccurrences(of: "OPTIONS sip:bob@example.com SIP/2.0", with: "SIP/2.0 180"))
        #expect(message.statusCode == 180)
        #expect(message.statusLine?.reason == "")
    }

    @Test func leadingCRLFsAreIgnored() throws {
        let message = try SIPParser().parse(Array("\r\n\r\n".utf8) + crlf(minimalRequest))
        #expect(message.method == .options)
        #expect(message.serialized() == crlf(minimalRequest))
    }

    @Test func datagramWithoutContentLengthTakesTheRest() throws {
        let text = minimalRequest.replacingOccurrences(of: "Content-Length: 0\n", with: "") + "hello"
        let message = try parse(text)
        #expect(message.bodyString == "hello")
        #expect(message.contentLength == nil)
    }

    @Test func datagramBodyLongerThanContentLengthIsTruncated() throws {
        let text = minimalRequest.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 3") + "hello"
        let message = try parse(text)
        #expect(message.bodyString == "hel")
        #expect(message.serialized() == crlf(String(text.dropLast(2))))
    }

    @Test func datagramBodyShorterThanContentLengthIsAnError() throws {
        let text = minimalRequest.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 10") + "hello"
        let error = try #require(parseError(crlf(text)))
        #expect(error.kind == .bodyShorterThanContentLength(declared: 10, received: 5))
        #expect(error.canBuildResponse)
        #expect(error.statusCode == 400)
    }

    @Test func bareLineFeedsAreAccepted() throws {
        let bytes = Array(minimalRequest.utf8)
        let message = try SIPParser().parse(bytes)
        #expect(message.callID == "a84b4c76e66710")
        #expect(message.serialized() == bytes)
    }

    @Test func emptyDatagramIsAKeepAlive() {
        #expect(parseError(Array("\r\n\r\n".utf8))?.kind == .empty)
        #expect(parseError([])?.kind == .empty)
    }

    @Test func parsesFromByteBufferAndString() throws {
        let message = try SIPParser().parse(String(decoding: crlf(minimalRequest), as: UTF8.self))
        #expect(message.method == .options)
    }
}
