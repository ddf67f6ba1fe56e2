import SDP
import Testing

/// Real defects give a typed error with the line number.
@Suite struct ParserErrorTests {
    static let head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"

    func error(_ text: String, limits: SDPParser.Limits = .init()) -> SDPParseError? {
        do {
            _ = try SDPParser(limits: limits).parse(text)
            return nil
        } catch {
            return error
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var text: String
        var line: Int
        var kind: SDPParseError.Kind
        var testDescription: String { "\(kind)" }
    }

    static let cases: [Case] = [
        Case(text: "", line: 0, kind: .empty),
        Case(text: "\r\n\r\n", line: 0, kind: .empty),
        Case(text: "o=- 1 1 IN IP4 10.0.0.1\r\nv=0\r\n", line: 1, kind: .versionNotFirst),
        Case(text: "v=1\r\n", line: 1, kind: .unsupportedVersion("1")),
        Case(text: "v=0\r\ns=-\r\nt=0 0\r\n", line: 0, kind: .missing("o")),
        Case(text: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nt=0 0\r\n", line: 0, kind: .missing("s")),
        Case(text: "v=0\r\nv=0\r\n", line: 2, kind: .duplicate("v")),
        Case(text: "v=0\r\no=- 1 IN IP4 10.0.0.1\r\n", line: 2,
             kind: .malformed(field: "o=", reason: "needs six fields, found 5")),
        Case(text: "v=0\r\no=- 1 x IN IP4 10.0.0.1\r\n", line: 2,
             kind: .malformed(field: "o=", reason: "session version 'x' is not a number")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.300\r\n", line: 7,
             kind: .malformed(field: "c=", reason: "'10.0.0.300' is not an IPv4 address")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4\r\n", line: 7,
             kind: .malformed(field: "c=", reason: "needs '<nettype> <addrtype> <address>'")),
        Case(text: head + "m=audio 70000 RTP/AVP 0\r\n", line: 6,
             kind: .malformed(field: "m=", reason: "port '70000' is not 0...65535[/count]")),
        Case(text: head + "m=audio 4000 RTP/AVP 0 abc\r\n", line: 6,
             kind: .malformed(field: "m=", reason: "RTP format 'abc' is not a payload type 0...127")),
        Case(text: head + "m=audio 4000 RTP/AVP 128\r\n", line: 6,
             kind: .malformed(field: "m=", reason: "RTP format '128' is not a payload type 0...127")),
        Case(text: head + "m=audio RTP/AVP\r\n", line: 6,
             kind: .malformed(field: "m=", reason: "needs '<media> <port> <proto> <fmt> ...'")),
        Case(text: head + "b=AS\r\n", line: 6, kind: .malformed(field: "b=", reason: "needs '<type>:<number>'")),
        Case(text: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=now 0\r\n", line: 4,
             kind: .malformed(field: "t=", reason: "needs '<start> <stop>' in NTP seconds")),
        Case(text: "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nr=7d 1h 0 25h\r\n", line: 4, kind: .misplaced("r")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\no=- 1 1 IN IP4 10.0.0.1\r\n", line: 7, kind: .misplaced("o")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\nt=0 0\r\n", line: 7, kind: .misplaced("t")),
        Case(text: head + "y=0000000001\r\n", line: 6, kind: .unknownType("y")),
        Case(text: head + "A=sendrecv\r\n", line: 6, kind: .notATypeValueLine),
        Case(text: head + "a\r\n", line: 6, kind: .notATypeValueLine),
        Case(text: head + "a=send\u{0}recv\r\n", line: 6, kind: .controlCharacter),
        Case(text: head + "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96\r\n", line: 7,
             kind: .malformed(field: "a=rtpmap", reason: "rtpmap needs '<pt> <encoding>/<clock>'")),
        Case(text: head + "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus\r\n", line: 7,
             kind: .malformed(field: "a=rtpmap", reason: "rtpmap encoding 'opus' is not <name>/<clock>[/<params>]")),
        Case(text: head + "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/fast/2\r\n", line: 7,
             kind: .malformed(field: "a=rtpmap", reason: "rtpmap clock rate 'fast' is not a positive number")),
        Case(text: head + "m=audio 4000 RTP/AVP 96\r\na=rtpmap:200 opus/48000/2\r\n", line: 7,
             kind: .malformed(field: "a=rtpmap", reason: "rtpmap payload type '200' is not 0...127")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\na=ptime:twenty\r\n", line: 7,
             kind: .malformed(field: "a=ptime", reason: "'twenty' is not milliseconds")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\na=fmtp\r\n", line: 7,
             kind: .malformed(field: "a=fmtp", reason: "needs a value")),
        Case(text: head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n", line: 7,
             kind: .malformed(field: "a=crypto", reason: "crypto needs '<tag> <suite> <key-params>'")),
        Case(text: head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:x AES_CM_128_HMAC_SHA1_80 inline:abc\r\n", line: 7,
             kind: .malformed(field: "a=crypto", reason: "crypto tag 'x' is not 1 to 9 digits")),
        Case(text: head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc|2^31|1:x\r\n", line: 7,
             kind: .malformed(field: "a=crypto", reason: "crypto MKI '1:x' is not <value>:<length>")),
        Case(text: head + "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\r\n", line: 7,
             kind: .malformed(field: "a=crypto", reason: "crypto key parameter has an empty key")),
        Case(text: head + "a=fingerprint:sha-256 XY:12\r\n", line: 6,
             kind: .malformed(field: "a=fingerprint", reason: "fingerprint 'XY:12' is not colon-separated hex")),
        Case(text: head + "a=setup:sometimes\r\n", line: 6,
             kind: .malformed(field: "a=setup", reason: "setup 'sometimes' is not active, passive, actpass or holdconn")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\na=rtcp:99999\r\n", line: 7,
             kind: .malformed(field: "a=rtcp", reason: "rtcp port '99999' is not 0...65535")),
        Case(text: head + "m=audio 4000 RTP/AVP 0\r\na=ssrc:abc cname:x\r\n", line: 7,
             kind: .malformed(field: "a=ssrc", reason: "ssrc id 'abc' is not a 32-bit number")),
        Case(text: head + "m=video 4000 RTP/AVPF 96\r\na=rtcp-fb:x nack\r\n", line: 7,
             kind: .malformed(field: "a=rtcp-fb", reason: "rtcp-fb format 'x' is not a payload type or '*'")),
        Case(text: head + "a=:value\r\n", line: 6,
             kind: .malformed(field: "a=", reason: "attribute name '' is not a token")),
    ]

    @Test(arguments: cases)
    func defectIsReportedWithLine(_ testCase: Case) {
        let found = error(testCase.text)
        #expect(found == SDPParseError(line: testCase.line, testCase.kind))
    }

    @Test func invalidUTF8IsReported() {
        let bytes = Array(Self.head.utf8) + Array("i=caf".utf8) + [0xC3, 0x28] + Array("\r\n".utf8)
        #expect(throws: SDPParseError(line: 6, .invalidUTF8)) { try SDPParser().parse(bytes) }
        // Valid UTF-8 in free text is fine (RFC 8866 §5.3).
        #expect(throws: Never.self) { try SDPParser().parse(Self.head + "i=Türstation Haus 1\r\n") }
    }

    @Test func errorDescriptionNamesLineAndField() {
        let error = SDPParseError(line: 7, .malformed(field: "a=rtpmap", reason: "rtpmap needs '<pt> <encoding>/<clock>'"))
        #expect(error.description == "SDP line 7: bad a=rtpmap: rtpmap needs '<pt> <encoding>/<clock>'")
    }

    // MARK: Limits

    @Test func sizeLimit() {
        var limits = SDPParser.Limits()
        limits.maxBytes = 64
        #expect(error(Self.head + "m=audio 4000 RTP/AVP 0\r\n", limits: limits) == SDPParseError(line: 0, .tooLarge(limit: 64)))
    }

    @Test func lineCountLimit() {
        var limits = SDPParser.Limits()
        limits.maxLines = 5
        #expect(error(Self.head + "m=audio 4000 RTP/AVP 0\r\n", limits: limits) == SDPParseError(line: 6, .tooManyLines(limit: 5)))
    }

    @Test func lineLengthLimit() {
        var limits = SDPParser.Limits()
        limits.maxLineLength = 40
        let text = Self.head + "a=" + String(repeating: "x", count: 60) + "\r\n"
        #expect(error(text, limits: limits) == SDPParseError(line: 6, .lineTooLong(limit: 40)))
    }

    @Test func mediaSectionLimit() {
        var limits = SDPParser.Limits()
        limits.maxMediaSections = 2
        let text = Self.head + String(repeating: "m=audio 4000 RTP/AVP 0\r\n", count: 3)
        #expect(error(text, limits: limits) == SDPParseError(line: 8, .tooManyMediaSections(limit: 2)))
    }

    @Test func formatLimit() {
        var limits = SDPParser.Limits()
        limits.maxFormatsPerMedia = 3
        #expect(error(Self.head + "m=audio 4000 RTP/AVP 0 8 9 101\r\n", limits: limits)
                == SDPParseError(line: 6, .tooManyFormats(limit: 3)))
    }

    @Test func attributeLimitCountsSessionAndMedia() {
        var limits = SDPParser.Limits()
        limits.maxAttributes = 2
        let text = Self.head + "a=tool:x\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\na=ptime:20\r\n"
        #expect(error(text, limits: limits) == SDPParseError(line: 9, .tooManyAttributes(limit: 2)))
    }

    @Test func defaultLimitsAcceptTheWholeCorpus() throws {
        for name in Fixtures.names(in: "golden", ext: "txt") {
            let golden = GoldenFile(text: String(decoding: try Fixtures.data("golden", name), as: UTF8.self))
            #expect(throws: Never.self) { try SDPParser().parse(golden.sdp("offer")) }
        }
    }
}
