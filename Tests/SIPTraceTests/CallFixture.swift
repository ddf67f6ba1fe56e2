@testable import SIPTrace

/// An INVITE/180/200/ACK/BYE/200 exchange between a caller and the gateway.
enum CallFixture {
    static let callID = "a84b4c76e66710@pc33.example.com"

    static func message(_ startLine: String, cseq: String, callID: String = callID, body: String = "") -> [UInt8] {
        let text = """
            \(startLine)\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r
            Max-Forwards: 70\r
            To: <sip:bob@example.com>\r
            From: <sip:alice@example.com>;tag=1928301774\r
            Call-ID: \(callID)\r
            CSeq: \(cseq)\r
            Content-Length: \(body.utf8.count)\r
            \r
            \(body)
            """
        return Array(text.utf8)
    }

    static let sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n"

    /// (direction, message) in call order, the gateway being the callee.
    static func exchange(callID: String = callID) -> [(TraceDirection, [UInt8])] {
        [
            (.inbound, message("INVITE sip:bob@example.com SIP/2.0", cseq: "1 INVITE", callID: callID, body: sdp)),
            (.outbound, message("SIP/2.0 180 Ringing", cseq: "1 INVITE", callID: callID)),
            (.outbound, message("SIP/2.0 200 OK", cseq: "1 INVITE", callID: callID)),
            (.inbound, message("ACK sip:bob@example.com SIP/2.0", cseq: "1 ACK", callID: callID)),
            (.inbound, message("BYE sip:bob@example.com SIP/2.0", cseq: "2 BYE", callID: callID)),
            (.outbound, message("SIP/2.0 200 OK", cseq: "2 BYE", callID: callID)),
        ]
    }

    static func time(_ millis: UInt64) -> TraceTimestamp {
        TraceTimestamp(microsecondsSinceEpoch: 1_790_000_000_000_000 + millis * 1000)
    }
}
