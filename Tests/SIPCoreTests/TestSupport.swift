import Foundation
@testable import SIPCore

/// Message text written with `\n` line ends in tests, sent with CRLF as RFC 3261 §7 requires.
func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
}

/// A fixture from `Fixtures/`, with its `\n` line ends turned into CRLF.
func fixture(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw FixtureMissing(name: name)
    }
    return crlf(try String(contentsOf: url, encoding: .utf8))
}

struct FixtureMissing: Error { let name: String }

/// Parses with the default datagram parser.
func parse(_ text: String) throws(SIPParseError) -> SIPMessage {
    try SIPParser().parse(crlf(text))
}

/// Catches the parse error of `bytes` (nil when it parses).
func parseError(_ bytes: [UInt8], limits: SIPParseLimits = .default) -> SIPParseError? {
    do {
        _ = try SIPParser(limits: limits).parse(bytes)
        return nil
    } catch {
        return error
    }
}

let minimalRequest = """
    OPTIONS sip:bob@example.com SIP/2.0
    Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKnashds7
    Max-Forwards: 70
    To: <sip:bob@example.com>
    From: <sip:alice@example.com>;tag=1928301774
    Call-ID: a84b4c76e66710
    CSeq: 63104 OPTIONS
    Content-Length: 0


    """
