import Testing
@testable import SIPCore
import TestSupport

@Suite struct SIPParseErrorTests {
    static func replacing(_ old: String, with new: String) -> [UInt8] {
        crlf(minimalRequest.replacingOccurrences(of: old, with: new))
    }

    @Test func limitsAreEnforcedAndNamed() throws {
        let request = crlf(minimalRequest)
        #expect(parseError(request, limits: SIPParseLimits(maxMessageSize: 100))?.kind == .messageTooLarge(limit: 100))
        #expect(parseError(request, limits: SIPParseLimits(maxHeaderCount: 5))?.kind == .tooManyHeaders(limit: 5))
        #expect(parseError(request, limits: SIPParseLimits(maxLineLength: 40))?.kind == .lineTooLong(limit: 40))
        #expect(parseError(request, limits: SIPParseLimits(maxStartLineLength: 20))?.kind == .startLineTooLong(limit: 20))
        let withBody = Self.replacing("Content-Length: 0\n\n", with: "Content-Length: 10\n\n0123456789")
        #expect(parseError(withBody, limits: SIPParseLimits(maxBodySize: 9))?.kind == .bodyTooLarge(limit: 9))
        #expect(parseError(withBody, limits: SIPParseLimits(maxBodySize: 10)) == nil)
        #expect(parseError(request, limits: SIPParseLimits(maxHeaderCount: 7)) == nil)
    }

    @Test func limitErrorsCarryTheirStatus() throws {
        let request = crlf(minimalRequest)
        let tooMany = try #require(parseError(request, limits: SIPParseLimits(maxHeaderCount: 6)))
        #expect(tooMany.statusCode == 513)
        #expect(tooMany.canBuildResponse)  // Via ... CSeq came before the seventh field
        #expect(tooMany.partialMessage?.headers.count == 6)
        let longURI = try #require(parseError(request, limits: SIPParseLimits(maxStartLineLength: 20)))
        #expect(longURI.statusCode == 414)
        #expect(!longURI.canBuildResponse)  // nothing after the start line was read
        let bigBody = try #require(parseError(
            Self.replacing("Content-Length: 0\n\n", with: "Content-Length: 10\n\n0123456789"), limits: SIPParseLimits(maxBodySize: 9)))
        #expect(bigBody.statusCode == 413)
        #expect(bigBody.makeResponse()?.statusCode == 413)
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var kind: SIPParseError.Kind
        var canRespond: Bool
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        // A malformed request line that still starts with `method SP` is read on, so that the
        // 400 can be sent when Via and CSeq follow (RFC 4475 §3.1.2.8-10 ask for a 400).
        Malformed(name: "space inside Request-URI", bytes: replacing("sip:bob@example.com SIP", with: "sip:bob@example.com; lr SIP"),
                  kind: .malformedStartLine("whitespace or control character in the Request-URI"), canRespond: true),
        Malformed(name: "tab inside Request-URI", bytes: replacing("sip:bob@example.com SIP", with: "sip:bob@\texample.com SIP"),
                  kind: .malformedStartLine("whitespace or control character in the Request-URI"), canRespond: true),
        Malformed(name: "two spaces after method", bytes: replacing("OPTIONS sip:", with: "OPTIONS  sip:"),
                  kind: .malformedStartLine("more than one space between request-line elements"), canRespond: true),
        Malformed(name: "two spaces before version", bytes: replacing("example.com SIP/2.0\nVia", with: "example.com  SIP/2.0\nVia"),
                  kind: .malformedStartLine("more than one space between request-line elements"), canRespond: true),
        Malformed(name: "space after version", bytes: replacing("SIP/2.0\nVia", with: "SIP/2.0 \nVia"),
                  kind: .malformedStartLine("more than one space between request-line elements"), canRespond: true),
        Malformed(name: "version 7.0", bytes: replacing("SIP/2.0\nVia", with: "SIP/7.0\nVia"),
                  kind: .unsupportedVersion, canRespond: true),
        Malformed(name: "no version", bytes: replacing(" SIP/2.0\nVia", with: "\nVia"),
                  kind: .malformedStartLine("no SIP version after the Request-URI"), canRespond: true),
        Malformed(name: "garbage version", bytes: replacing("SIP/2.0\nVia", with: "SIP/2.x\nVia"),
                  kind: .malformedStartLine("malformed SIP version"), canRespond: true),
        Malformed(name: "bad start line and no empty line", bytes: Array(replacing("SIP/2.0\nVia", with: "SIP/2.x\nVia").dropLast(2)),
                  kind: .malformedStartLine("malformed SIP version"), canRespond: true),
        Malformed(name: "method not a token", bytes: replacing("OPTIONS sip:", with: "OPT@ONS sip:"),
                  kind: .malformedStartLine("method is not a token followed by one space"), canRespond: false),
        Malformed(name: "two-digit status", bytes: crlf("SIP/2.0 20 OK\n\n"),
                  kind: .malformedStartLine("status code is not three digits from 100 to 699"), canRespond: false),
        Malformed(name: "status 700", bytes: crlf("SIP/2.0 700 Odd\n\n"),
                  kind: .malformedStartLine("status code is not three digits from 100 to 699"), canRespond: false),
        Malformed(name: "header without colon", bytes: replacing("Max-Forwards: 70", with: "Max-Forwards 70"),
                  kind: .malformedHeader("no colon after the header field name"), canRespond: false),
        Malformed(name: "space inside name", bytes: replacing("Content-Length: 0", with: "Content Length: 0"),
                  kind: .malformedHeader("no colon after the header field name"), canRespond: true),
        Malformed(name: "continuation before first field", bytes: replacing("SIP/2.0\nVia", with: "SIP/2.0\n Via"),
                  kind: .malformedHeader("continuation line before the first header field"), canRespond: false),
        Malformed(name: "no empty line", bytes: Array(crlf(minimalRequest).dropLast(2)),
                  kind: .incomplete, canRespond: true),
        Malformed(name: "last line cut off", bytes: Array(crlf(minimalRequest).dropLast(4)),
                  kind: .incomplete, canRespond: true),
        Malformed(name: "Content-Length not a number", bytes: replacing("Content-Length: 0", with: "Content-Length: zero"),
                  kind: .invalidContentLength, canRespond: true),
        Malformed(name: "negative Content-Length", bytes: replacing("Content-Length: 0", with: "Content-Length: -1"),
                  kind: .invalidContentLength, canRespond: true),
        Malformed(name: "huge Content-Length", bytes: replacing("Content-Length: 0", with: "Content-Length: 99999999999999999999"),
                  kind: .invalidContentLength, canRespond: true),
        Malformed(name: "conflicting Content-Length", bytes: replacing("Content-Length: 0", with: "Content-Length: 0\nl: 4"),
                  kind: .conflictingContentLength, canRespond: true),
        Malformed(name: "missing Call-ID", bytes: replacing("Call-ID: a84b4c76e66710\n", with: ""),
                  kind: .missingHeader(.callID), canRespond: true),
        Malformed(name: "missing From and To", bytes: replacing("To: <sip:bob@example.com>\nFrom: <sip:alice@example.com>;tag=1928301774\n", with: ""),
                  kind: .missingHeader(.from), canRespond: true),
        Malformed(name: "missing Via", bytes: replacing("Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKnashds7\n", with: ""),
                  kind: .missingHeader(.via), canRespond: false),
        Malformed(name: "missing CSeq", bytes: replacing("CSeq: 63104 OPTIONS\n", with: ""),
                  kind: .missingHeader(.cseq), canRespond: false),
        Malformed(name: "ACK is never answered", bytes: replacing("OPTIONS sip:", with: "ACK sip:").filter { _ in true }
                  .replacingCallID(), kind: .missingHeader(.callID), canRespond: false),
    ]

    @Test(arguments: malformed)
    func malformedMessagesSayWhatAndWhetherToAnswer(_ test: Malformed) throws {
        let error = try #require(parseError(test.bytes))
        #expect(error.kind == test.kind)
        #expect(error.canBuildResponse == test.canRespond)
        #expect((error.makeResponse() != nil) == test.canRespond)
        #expect(error.offset >= 0 && error.offset <= test.bytes.count)
        #expect(error.description.contains(error.reasonPhrase))
    }

    @Test func badRequestCopiesTheRequestFields() throws {
        let bytes = Self.replacing("Content-Length: 0", with: "Content-Length: zero")
        let error = try #require(parseError(bytes))
        #expect(error.offset == bytes.count - 2)  // the defect is found at the empty line
        let response = try #require(error.makeResponse(toTag: "t1"))
        #expect(response.serializedString == """
            SIP/2.0 400 Bad Request (invalid Content-Length)\r
            Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKnashds7\r
            From: <sip:alice@example.com>;tag=1928301774\r
            To: <sip:bob@example.com>;tag=t1\r
            Call-ID: a84b4c76e66710\r
            CSeq: 63104 OPTIONS\r
            Content-Length: 0\r
            \r

            """)
        let missing = try #require(parseError(Self.replacing("Call-ID: a84b4c76e66710\n", with: "")))
        #expect(missing.makeResponse(toTag: "t")?.statusLine?.reason == "Bad Request (missing Call-ID)")
        #expect(missing.makeResponse(toTag: "t")?.headers.contains(.callID) == false)
    }

    @Test func malformedRequestLineOnAStreamSkipsOnlyThatMessage() {
        let bad = Self.replacing("OPTIONS sip:", with: "OPTIONS  sip:")
        let good = crlf(minimalRequest)
        for (name, chunks) in chunkings(of: [bad, good]) where name == "all at once" || name == "byte at a time" {
            #expect(runStream(chunks) == [
                .error(.malformedStartLine("more than one space between request-line elements")), .message(good),
            ], "chunking: \(name)")
        }
    }

    @Test func validationFindsBadValues() throws {
        let good = try parse(minimalRequest)
        try good.validate()
        let cases: [(String, String, SIPParseError.Kind?)] = [
            ("CSeq: 63104 OPTIONS", "CSeq: 63104 INVITE", .cseqMethodMismatch),
            ("Max-Forwards: 70", "Max-Forwards: seventy", nil),
            ("To: <sip:bob@example.com>", "To: \"Bob <sip:bob@example.com>", nil),
            ("OPTIONS sip:bob@example.com", "OPTIONS <sip:bob@example.com>", nil),
        ]
        for (old, new, kind) in cases {
            let message = try SIPParser().parse(Self.replacing(old, with: new))
            do {
                try message.validate()
                Issue.record("\(new) passed validation")
            } catch {
                if let kind { #expect(error.kind == kind) }
                #expect(error.statusCode == 400)
                #expect(error.canBuildResponse)
                #expect(error.makeResponse()?.statusCode == 400)
            }
        }
        let unknownScheme = try SIPParser().parse(Self.replacing("OPTIONS sip:bob@example.com", with: "OPTIONS urn:service:sos"))
        try unknownScheme.validate()
    }

    @Test func versionErrorIsAnswered505() throws {
        // A well-formed start line with another version is read with the rest of the message,
        // so that the 505 can copy Via, From, To, Call-ID and CSeq (RFC 4475 §3.1.2.15 badvers).
        let error = try #require(parseError(Self.replacing("SIP/2.0\nVia", with: "SIP/7.0\nVia")))
        #expect(error.statusCode == 505)
        #expect(error.reasonPhrase == "Version Not Supported")
        let response = try #require(error.makeResponse(toTag: "v"))
        #expect(response.serializedString.hasPrefix("SIP/2.0 505 Version Not Supported\r\nVia: SIP/2.0/UDP host.example.com"))
    }

    @Test func peerInputNeverTraps() throws {
        // Seeded mutations of a real INVITE: every result is a message or a typed error, and
        // every message that parses serializes back to its bytes.
        let original = try fixture("invite-sdp.sip")
        var random = SplitMix64(state: 42)
        let interesting: [UInt8] = Array("\r\n :;,<>\"\\\t0".utf8)
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = interesting.randomElement(using: &random)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                }
            }
            if let message = try? SIPParser().parse(bytes) {
                var start = 0
                while bytes[start] == 0x0D || bytes[start] == 0x0A { start += 1 }
                #expect(bytes[start...].starts(with: message.serialized()))
                _ = try? message.via
                _ = try? message.from
                _ = try? message.contact
            }
            var stream = SIPStreamParser()
            stream.append(bytes)
            while let _ = try? stream.next() {}
        }
    }
}

extension Array where Element == UInt8 {
    /// The request without its Call-ID (for the ACK case).
    fileprivate func replacingCallID() -> [UInt8] {
        let text = String(decoding: self, as: UTF8.self).replacingOccurrences(of: "Call-ID: a84b4c76e66710\r\n", with: "")
        return Array(text.utf8)
    }
}
