import SIPCore

/// The fuzz targets of `scripts/fuzz`: each takes one input and traps (`fatalError`) only when
/// SIPCore breaks a promise; a parse error is a normal outcome. The same code runs under
/// libFuzzer (`-DSIPCORE_FUZZING`) and in the plain replay build.
///
/// Promises checked:
/// - `message`: `SIPParser` never traps; every typed accessor either parses or throws; a parsed
///   message serializes to bytes that parse again and serialize identically; an error's
///   response (when one can be built) serializes, and parses when the request had every
///   mandatory header.
/// - `stream`: `SIPStreamParser` gives the same events whatever the chunking (STYLE.md habit 4).
/// - `uri`: each value grammar either throws or parses; a parsed value's canonical form parses
///   again to the same canonical form.
enum FuzzTarget: String, CaseIterable, Sendable {
    case message, stream, uri

    /// Runs one input.
    func run(_ input: [UInt8]) {
        switch self {
        case .message: FuzzHarness.message(input)
        case .stream: FuzzHarness.stream(input)
        case .uri: FuzzHarness.values(ArraySlice(input))
        }
    }
}

enum FuzzHarness {
    static func message(_ input: [UInt8]) {
        let parser = SIPParser()
        let message: SIPMessage
        do {
            message = try parser.parse(input)
        } catch {
            _ = error.description
            if let response = error.makeResponse(toTag: "fuzz") {
                let wire = response.serialized()
                // The response copies Via, From, To, Call-ID and CSeq: it is a valid message
                // when the request had all five (RFC 3261 §8.2.6.2).
                let mandatory: [HeaderName] = [.via, .from, .to, .callID, .cseq]
                let complete = error.partialMessage.map { partial in mandatory.allSatisfy { partial.headers.contains($0) } } ?? false
                if complete, (try? parser.parse(wire)) == nil { fatalError("error response does not parse: \(error)") }
            }
            return
        }
        readEveryHeader(message)
        let wire = message.serialized()
        let again: SIPMessage
        do {
            again = try parser.parse(wire)
        } catch {
            fatalError("serialized message does not parse: \(error)")
        }
        guard again.serialized() == wire else { fatalError("serialization is not stable") }
    }

    /// Reads every typed header a B2BUA uses; each must parse or throw, never trap.
    static func readEveryHeader(_ message: SIPMessage) {
        _ = try? message.requestURI
        _ = try? message.via
        _ = try? message.from
        _ = try? message.to
        _ = try? message.cseq
        _ = try? message.contact
        _ = try? message.route
        _ = try? message.recordRoute
        _ = try? message.contentType
        _ = try? message.authorization
        _ = try? message.proxyAuthorization
        _ = try? message.wwwAuthenticate
        _ = try? message.proxyAuthenticate
        _ = try? message.supported
        _ = try? message.require
        _ = try? message.proxyRequire
        _ = try? message.sessionExpires
        _ = try? message.reason
        _ = try? message.rack
        _ = try? message.pAssertedIdentity
        _ = try? message.diversion
        _ = (message.callID, message.maxForwards, message.contentLength, message.expires)
        _ = (message.cseqNumber, message.fromTag, message.toTag, message.topViaBranch)
        _ = (message.rseq, message.minSE, message.bodyString)
    }

    static func stream(_ input: [UInt8]) {
        guard let seed = input.first else { return }
        let bytes = input.dropFirst()
        let whole = events(of: [bytes])
        var chunks: [ArraySlice<UInt8>] = []
        var state = UInt32(seed) &* 2_654_435_761 | 1
        var index = bytes.startIndex
        while index < bytes.endIndex {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            let size = Int(state % 64) + 1
            let end = min(bytes.endIndex, index + size)
            chunks.append(bytes[index..<end])
            index = end
        }
        let chunked = events(of: chunks)
        guard chunked == whole else { fatalError("stream events depend on chunking:\n\(whole)\n\(chunked)") }
    }

    /// The events of a stream fed `chunks`, as comparable text, until framing is lost.
    static func events(of chunks: [ArraySlice<UInt8>]) -> [String] {
        var parser = SIPStreamParser()
        var result: [String] = []
        for chunk in chunks {
            parser.append(chunk)
            while true {
                do {
                    guard let event = try parser.next() else { break }
                    switch event {
                    case .message(let message):
                        readEveryHeader(message)
                        result.append("message \(message.serialized())")
                    case .keepAlivePing: result.append("ping")
                    case .keepAlivePong: result.append("pong")
                    }
                } catch {
                    result.append("error \(error.kind) at \(error.offset)")
                    if parser.isFramingLost { return result }
                }
            }
        }
        return result
    }

    /// Every value grammar on one input. `failure` gets each broken promise; the fuzz build
    /// traps on it, `Tests/SIPCoreTests/FuzzCrashReplayTests` records it as a test issue.
    static func values(_ input: ArraySlice<UInt8>, failure: (String) -> Void = { fatalError($0) }) {
        roundTrip(URI.self, input, failure)
        roundTrip(SIPURI.self, input, failure)
        roundTrip(TelURI.self, input, failure)
        roundTrip(NameAddress.self, input, failure)
        roundTrip(ContactValue.self, input, failure)
        roundTrip(Via.self, input, failure)
        roundTrip(CSeq.self, input, failure)
        roundTrip(MediaType.self, input, failure)
        roundTrip(DigestChallenge.self, input, failure)
        roundTrip(DigestCredentials.self, input, failure)
        roundTrip(Reason.self, input, failure)
        roundTrip(SessionExpires.self, input, failure)
        roundTrip(RAck.self, input, failure)
        roundTrip(OptionTags.self, input, failure)
        _ = try? SIPHost(parsing: input)
    }

    /// Parses `input` as `T`; when it parses, its canonical form must parse to the same form.
    static func roundTrip<T: SIPGrammarValue>(_ type: T.Type, _ input: ArraySlice<UInt8>, _ failure: (String) -> Void) {
        guard let value = try? T(parsing: input) else { return }
        var wire: [UInt8] = []
        value.write(into: &wire)
        do {
            var again: [UInt8] = []
            try T(parsing: ArraySlice(wire)).write(into: &again)
            if again != wire { failure("\(T.self) canonical form is not stable") }
        } catch {
            failure("\(T.self) canonical form \(String(decoding: wire, as: UTF8.self)) does not parse: \(error)")
        }
    }
}
