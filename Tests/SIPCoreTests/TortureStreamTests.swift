import Testing
@testable import SIPCore

/// The torture messages over a stream transport (RFC 3261 §18.3: Content-Length frames the
/// body), fed all at once and byte by byte.
@Suite("RFC 4475 torture messages over a stream")
struct TortureStreamTests {
    /// The events of a stream fed `bytes` in chunks of `chunk` bytes, until it needs more or
    /// loses framing.
    static func events(_ bytes: [UInt8], chunk: Int) -> [String] {
        var parser = SIPStreamParser()
        var events: [String] = []
        var index = 0
        while index < bytes.count {
            parser.append(bytes[index..<min(bytes.count, index + chunk)])
            index += chunk
            while true {
                do {
                    guard let event = try parser.next() else { break }
                    switch event {
                    case .message(let message): events.append("message \(message.serializedString)")
                    case .keepAlivePing: events.append("ping")
                    case .keepAlivePong: events.append("pong")
                    }
                } catch {
                    events.append("error \(error.kind)")
                    if parser.isFramingLost { return events }
                }
            }
        }
        return events
    }

    /// Every torture message that parses as a datagram and has a Content-Length.
    static let framed = TortureCase.all.filter { $0.file != "dblreq" && (try? parsedTorture($0.file).contentLength) != nil }

    @Test("framing does not depend on chunking, and gives the datagram's message", arguments: framed)
    func sameMessageAnyChunking(_ torture: TortureCase) throws {
        let bytes = try SIPCoreTests.torture(torture.file)
        let whole = Self.events(bytes, chunk: bytes.count)
        #expect(Self.events(bytes, chunk: 1) == whole)
        #expect(Self.events(bytes, chunk: 7) == whole)
        let datagram = try parsedTorture(torture.file)
        #expect(whole == ["message \(datagram.serializedString)"])
    }

    @Test("3.1.1.8 dblreq over a stream: the REGISTER, then what follows as the next message")
    func dblreq() throws {
        let events = Self.events(try torture("dblreq"), chunk: 1)
        #expect(events.first?.hasPrefix("message REGISTER sip:example.com SIP/2.0") == true)
        #expect(events.contains { $0.hasPrefix("message INVITE sip:joe@example.com SIP/2.0") })
    }

    @Test("3.1.2.2 clerr over a stream: wait for the rest of the body")
    func clerrWaits() throws {
        let bytes = try torture("clerr")
        var parser = SIPStreamParser()
        parser.append(bytes)
        #expect(try parser.next() == nil)
        #expect(!parser.isFramingLost && parser.bufferedByteCount == bytes.count)
    }

    @Test("3.1.2.3 ncl and 3.3.9 mcl01 over a stream: framing is lost, close the connection",
          arguments: [("ncl", ParseDefect.invalidContentLength), ("mcl01", .conflictingContentLength)])
    func unframeable(_ file: String, _ defect: ParseDefect) throws {
        var parser = SIPStreamParser()
        parser.append(try torture(file))
        let error = try #require(throws: SIPParseError.self) { try parser.next() }
        #expect(defect.matches(error.kind))
        #expect(parser.isFramingLost)
    }

    @Test("3.4.1 inv2543 over a stream: Content-Length is mandatory (RFC 3261 §18.3)")
    func inv2543NeedsContentLength() throws {
        var parser = SIPStreamParser()
        parser.append(try torture("inv2543"))
        let error = try #require(throws: SIPParseError.self) { try parser.next() }
        #expect(error.kind == .missingContentLength)
    }
}
