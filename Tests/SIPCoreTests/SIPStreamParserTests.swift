import Testing
@testable import SIPCore

@Suite struct SIPStreamParserTests {
    @Test func framingIsTheSameUnderEveryChunking() throws {
        let invite = try fixture("invite-sdp.sip")
        let ok = try fixture("ok-200.sip")
        let options = crlf(minimalRequest)
        let segments: [[UInt8]] = [invite, Array("\r\n\r\n".utf8), ok, options, Array("\r\n".utf8), invite]
        let expected: [StreamRecord] = [.message(invite), .pong, .ping, .message(ok), .message(options), .pong, .message(invite)]
        #expect(runStream([segments.flatMap { $0 }[...]]) == expected)
        for (name, chunks) in chunkings(of: segments) {
            let records = runStream(chunks)
            #expect(records == expected, "chunking: \(name)")
        }
    }

    @Test func messagesAreByteIdenticalAndParsed() throws {
        let invite = try fixture("invite-sdp.sip")
        var parser = SIPStreamParser()
        parser.append(invite + invite)
        guard case .message(let first) = try parser.next(), case .message(let second) = try parser.next() else {
            Issue.record("expected two messages")
            return
        }
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
        #expect(first.method == .invite)
        #expect(second.callID == "a84b4c76e66710@pc33.example.com")
        #expect(second.body.count == 273)
        #expect(second.serialized() == invite)
    }

    @Test func contentLengthIsMandatory() {
        let text = crlf(minimalRequest.replacingOccurrences(of: "Content-Length: 0\n", with: ""))
        var parser = SIPStreamParser()
        parser.append(text)
        #expect(throws: SIPParseError.self) { try parser.next() }
        #expect(parser.isFramingLost)
        do {
            _ = try parser.next()
            Issue.record("a failed stream keeps failing")
        } catch {
            #expect(error.kind == .missingContentLength)
            #expect(error.canBuildResponse)
            let response = error.makeResponse(toTag: "x")
            #expect(response?.statusLine?.reason == "Bad Request (missing Content-Length)")
            #expect(response?.toTag == "x")
        }
    }

    @Test func missingMandatoryHeaderSkipsOnlyThatMessage() {
        let bad = crlf(minimalRequest.replacingOccurrences(of: "Call-ID: a84b4c76e66710\n", with: ""))
        let good = crlf(minimalRequest)
        for (name, chunks) in chunkings(of: [bad, good]) {
            #expect(runStream(chunks) == [.error(.missingHeader(.callID)), .message(good)], "chunking: \(name)")
        }
    }

    @Test func bodyLargerThanLimitFailsBeforeBuffering() {
        let text = crlf(minimalRequest.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 100000"))
        let records = runStream([text[...]])
        #expect(records == [.error(.bodyTooLarge(limit: SIPParseLimits.default.maxBodySize))])
    }

    @Test func headWithoutEndFailsAtMessageSizeLimit() {
        let limits = SIPParseLimits(maxMessageSize: 300, maxLineLength: 1000)
        let head = crlf(minimalRequest).prefix(200) + Array(repeating: UInt8(ascii: "a"), count: 400)
        for (name, chunks) in chunkings(of: [Array(head)]) where name == "all at once" || name == "byte at a time" {
            #expect(runStream(chunks, limits: limits) == [.error(.messageTooLarge(limit: 300))], "chunking: \(name)")
        }
    }

    @Test func lineTooLongIsReportedWithPartialMessage() throws {
        let limits = SIPParseLimits(maxLineLength: 100)
        let text = crlf(minimalRequest.replacingOccurrences(
            of: "Content-Length: 0", with: "Subject: " + String(repeating: "x", count: 200) + "\nContent-Length: 0"))
        var parser = SIPStreamParser(limits: limits)
        parser.append(text)
        do {
            _ = try parser.next()
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .lineTooLong(limit: 100))
            #expect(error.statusCode == 513)
            #expect(error.canBuildResponse)
            #expect(error.partialMessage?.headers.count == 6)
        }
    }

    @Test func bodyIsFramedByContentLengthOnly() {
        // A body holding an empty line, a start line and CRLFs must not end the message early.
        let body = "first\r\n\r\nINVITE sip:x SIP/2.0\r\n\r\n\u{0}\u{FF}"
        let message = crlf(minimalRequest.replacingOccurrences(of: "Content-Length: 0\n\n", with: ""))
            + Array("Content-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let options = crlf(minimalRequest)
        for (name, chunks) in chunkings(of: [message, options, message]) {
            #expect(runStream(chunks) == [.message(message), .message(options), .message(message)], "chunking: \(name)")
        }
    }

    @Test func framingErrorsStopTheStream() {
        let options = crlf(minimalRequest)
        let cases: [(String, SIPParseError.Kind)] = [
            ("Content-Length: x", .invalidContentLength),
            ("Content-Length: 0\nl: 1", .conflictingContentLength),
            ("Content-Length: 0\n Bad", .invalidContentLength),
        ]
        for (header, kind) in cases {
            let bad = crlf(minimalRequest.replacingOccurrences(of: "Content-Length: 0", with: header))
            for (name, chunks) in chunkings(of: [options, bad, options]) where name == "all at once" || name == "byte at a time" {
                #expect(runStream(chunks) == [.message(options), .error(kind)], "\(header), chunking: \(name)")
            }
        }
        let garbage = Array("HELLO\r\n\r\n".utf8)
        #expect(runStream([(garbage + options)[...]]) == [.error(.malformedStartLine("method is not a token followed by one space"))])
    }

    @Test func foldedHeadersOnAStream() throws {
        let text = crlf(minimalRequest.replacingOccurrences(of: "Max-Forwards: 70", with: "Subject: one\n two\n\tthree"))
        for (name, chunks) in chunkings(of: [text, text]) where name == "all at once" || name == "byte at a time" {
            #expect(runStream(chunks) == [.message(text), .message(text)], "chunking: \(name)")
        }
        var parser = SIPStreamParser()
        parser.append(text)
        guard case .message(let message) = try parser.next() else {
            Issue.record("expected a message")
            return
        }
        #expect(message.headers[.subject] == "one two three")
        #expect(message.callID == "a84b4c76e66710")
    }

    @Test func strayBareLineFeedsBetweenMessagesAreKeepAlives() throws {
        let options = crlf(minimalRequest)
        #expect(runStream([(Array("\n\n".utf8) + options)[...]]) == [.pong, .ping, .message(options)])
    }
}

extension SIPStreamParser.Event: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.keepAlivePing, .keepAlivePing), (.keepAlivePong, .keepAlivePong): true
        case (.message(let a), .message(let b)): a.serialized() == b.serialized()
        default: false
        }
    }
}
