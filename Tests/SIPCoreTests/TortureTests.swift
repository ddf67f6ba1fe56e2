import Foundation
import Testing
@testable import SIPCore

/// The bytes of `Fixtures/<path>` exactly as stored (no line-end conversion).
func rawFixture(_ path: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(path)", withExtension: nil) else {
        throw FixtureMissing(name: path)
    }
    return Array(try Data(contentsOf: url))
}

/// The bytes of the RFC 4475 message `name` (`Fixtures/torture/<name>.dat`).
func torture(_ name: String) throws -> [UInt8] {
    try rawFixture("torture/\(name).dat")
}

/// The torture message `name` parsed as a UDP datagram.
func parsedTorture(_ name: String) throws -> SIPMessage {
    try SIPParser().parse(try torture(name))
}

/// RFC 4475 §3: every torture message has the outcome its `TortureCase` names.
@Suite("RFC 4475 torture messages")
struct TortureTests {
    @Test("the table names every fixture once, and the RFC's 49 messages")
    func tableCoversEveryFixture() throws {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures/torture", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".dat") }
        let named = TortureCase.all.map { "\($0.file).dat" }
        #expect(Set(files) == Set(named))
        #expect(named.count == Set(named).count)
        #expect(named.count == 49)
        #expect(TortureCase.valid.count == 13 && TortureCase.invalid.count == 19)
        #expect(TortureCase.transaction.count == 1 && TortureCase.application.count == 15)
        #expect(TortureCase.backwardCompatible.count == 1)
    }

    @Test("SIPCore's outcome is the one the table names", arguments: TortureCase.all)
    func outcome(_ torture: TortureCase) throws {
        let bytes = try SIPCoreTests.torture(torture.file)
        if let issue = torture.knownIssue {
            withKnownIssue(Comment(rawValue: issue)) { Self.check(torture.outcome, bytes) }
        } else {
            Self.check(torture.outcome, bytes)
        }
    }

    static func check(_ outcome: TortureOutcome, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let result: Result<SIPMessage, SIPParseError>
        do { result = .success(try SIPParser().parse(bytes)) } catch { result = .failure(error) }
        switch (outcome, result) {
        case (.parses, .success(let message)):
            for field in TypedField.allCases {
                #expect(throws: Never.self, "\(field)", sourceLocation: sourceLocation) { try field.read(message) }
            }
        case (.rejected(let defect, let status), .failure(let error)):
            #expect(defect.matches(error.kind), "\(error.kind)", sourceLocation: sourceLocation)
            #expect(error.statusCode == status, sourceLocation: sourceLocation)
        case (.headerRejected(let field, let element), .success(let message)):
            do {
                try field.read(message)
                Issue.record("\(field) parsed; the RFC says it is malformed", sourceLocation: sourceLocation)
            } catch {
                #expect(error.element == element, "\(error)", sourceLocation: sourceLocation)
            }
        case (.rejectedByValidation(let kind), .success(let message)):
            do {
                try message.validate()
                Issue.record("validated; the RFC says it is malformed", sourceLocation: sourceLocation)
            } catch {
                #expect(error.kind == kind, "\(error.kind)", sourceLocation: sourceLocation)
                #expect(error.makeResponse()?.statusCode == 400, sourceLocation: sourceLocation)
            }
        case (.rejectedSomehow, .failure):
            break
        case (_, .success):
            Issue.record("parsed, expected \(outcome)", sourceLocation: sourceLocation)
        case (_, .failure(let error)):
            Issue.record("rejected with \(error.kind), expected \(outcome)", sourceLocation: sourceLocation)
        }
    }

    /// RFC 3261 §16.6 and the B2BUA's forwarding: an untouched message is written back byte for
    /// byte; a datagram's trailing noise (dblreq) is not part of the message.
    @Test("a parsed message serializes byte-identically", arguments: TortureCase.all.filter {
        if case .rejected = $0.outcome { return false }
        return $0.knownIssue == nil
    })
    func serializesByteIdentically(_ torture: TortureCase) throws {
        let bytes = try SIPCoreTests.torture(torture.file)
        let message = try SIPParser().parse(bytes)
        #expect(message.isUnchanged)
        let wire = message.serialized()
        if torture.file == "dblreq" {
            let end = try #require(bytes.firstRange(of: Array("Content-Length: 0\r\n\r\n".utf8))).upperBound
            #expect(wire == Array(bytes[..<end]))
        } else {
            #expect(wire == bytes)
        }
        #expect(try SIPParser().parse(wire).serialized() == wire)
    }

    /// RFC 3261 §8.2.6: a rejected request is answered when its Via and CSeq were read; a rejected
    /// response is dropped (never answered).
    @Test("a rejected request can be answered, a rejected response is dropped", arguments: [
        ("clerr", true), ("ncl", true), ("baddn", true), ("badvers", true), ("insuf", true), ("mcl01", true),
        ("bigcode", false),
    ])
    func errorResponse(_ file: String, _ answerable: Bool) throws {
        let error = try #require(throws: SIPParseError.self) { try parsedTorture(file) }
        #expect(error.canBuildResponse == answerable)
        guard answerable else { return }
        let response = try #require(error.makeResponse(toTag: "torture"))
        #expect(response.statusCode == error.statusCode)
        let request = try #require(error.partialMessage)
        #expect(response.headers.firstValue(.via).map(Array.init) == request.headers.firstValue(.via).map(Array.init))
        #expect(try response.cseq == request.cseq)
    }

    /// RFC 4475 §3.1.2.8-10 ask for a 400: the header fields after a malformed request line are
    /// still read, so the response has its Via and CSeq.
    @Test("a malformed request line is answered with 400", arguments: ["lwsruri", "lwsstart", "trws"])
    func malformedRequestLineIsAnswered(_ file: String) throws {
        let error = try #require(throws: SIPParseError.self) { try parsedTorture(file) }
        #expect(error.statusCode == 400)
        #expect(error.canBuildResponse)
        let response = try #require(error.makeResponse(toTag: "torture"))
        #expect(response.statusCode == 400)
        #expect(try response.topVia == error.partialMessage?.topVia)
    }
}
