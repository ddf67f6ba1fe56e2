import SIPCore
import SIPTrace
import Testing

@testable import Gateway

/// The tracer files a message under its parsed Call-ID only where the trace buffer's own scan
/// of the serialized bytes would find the same one.
@Suite struct TracingTransportCallIDTests {
    static func message(callIDLine: String) throws -> SIPMessage {
        let text = "BYE sip:gw SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\nFrom: <sip:a@gw>;tag=1\r\n"
            + "To: <sip:gw>;tag=2\r\n\(callIDLine)\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n"
        return try SIPParser().parse(Array(text.utf8))
    }

    @Test(arguments: [
        "Call-ID: abc-123@192.0.2.1", "i: compact@host", "call-id:   padded  ", "Call-ID: a\r\n b",
        "Call-ID: " + String(repeating: "x", count: 300), "Call-ID: " + String(repeating: "y", count: 256),
    ])
    func parsedCallIDIsWhatTheScannerFinds(line: String) throws {
        let message = try Self.message(callIDLine: line)
        let bytes = message.serialized()
        let scanned = CallIDScanner.callID(in: bytes)
        let parsed = TracingTransport.traceCallID(of: message, serializedCount: bytes.count)
        #expect((parsed ?? scanned) == scanned)
        // The plain, compact and padded forms are taken from the parse (no second scan).
        if line.hasPrefix("Call-ID: abc") || line.hasPrefix("i:") || line.hasPrefix("call-id:") { #expect(parsed != nil) }
        if line.contains("\r\n") || line.count > 300 { #expect(parsed == nil) }
    }
}
