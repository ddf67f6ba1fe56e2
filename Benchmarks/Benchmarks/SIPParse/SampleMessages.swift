import Foundation
import NIOCore

/// The messages the parse benchmark reads: what a carrier trunk and a door station exchange
/// when a call is set up (RFC 3261 §7 with CRLF line ends; SDP per RFC 8866).
enum SampleMessages {
    /// A typical INVITE with an SDP offer (G.711 A/µ-law, G.722, telephone-event).
    static let invite = message(
        head: """
            INVITE sip:+4930123456@gw.example.net:5060;user=phone SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---7f3a9b2c1d4e5f60;rport
            Max-Forwards: 70
            Contact: <sip:+4989987654@192.0.2.10:5060;transport=udp>
            To: <sip:+4930123456@gw.example.net;user=phone>
            From: "Door Station" <sip:+4989987654@pbx.example.com;user=phone>;tag=8f2a61c4
            Call-ID: 5b1d0a2e-6f3c-4b7a-9e11-2c8d4f6a7b90@192.0.2.10
            CSeq: 102 INVITE
            Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY
            Supported: replaces, timer, 100rel
            Session-Expires: 1800;refresher=uac
            Min-SE: 90
            User-Agent: Gatehouse-Bench/1.0
            Content-Type: application/sdp
            """,
        body: """
            v=0
            o=- 3911852210 3911852210 IN IP4 192.0.2.10
            s=-
            c=IN IP4 192.0.2.10
            t=0 0
            m=audio 40000 RTP/AVP 8 0 9 101
            a=rtpmap:8 PCMA/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:9 G722/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            a=ptime:20
            a=sendrecv
            """)

    /// A typical 200 OK answering it through a carrier SBC.
    static let ok = message(
        head: """
            SIP/2.0 200 OK
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---7f3a9b2c1d4e5f60;rport=5060;received=192.0.2.10
            Record-Route: <sip:198.51.100.20;lr>
            Contact: <sip:+4930123456@198.51.100.20:5060>
            To: <sip:+4930123456@gw.example.net;user=phone>;tag=as6d1f0b2c
            From: "Door Station" <sip:+4989987654@pbx.example.com;user=phone>;tag=8f2a61c4
            Call-ID: 5b1d0a2e-6f3c-4b7a-9e11-2c8d4f6a7b90@192.0.2.10
            CSeq: 102 INVITE
            Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY
            Supported: replaces, timer
            Require: timer
            Session-Expires: 1800;refresher=uac
            Server: Carrier-SBC
            Content-Type: application/sdp
            """,
        body: """
            v=0
            o=- 1700000000 1700000001 IN IP4 198.51.100.30
            s=-
            c=IN IP4 198.51.100.30
            t=0 0
            m=audio 31000 RTP/AVP 8 101
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            a=ptime:20
            a=sendrecv
            """)

    /// `head` and `body` with CRLF line ends and the body's Content-Length, as a received
    /// datagram.
    static func message(head: String, body: String) -> ByteBuffer {
        let body = body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        let head = head.replacingOccurrences(of: "\n", with: "\r\n")
        return ByteBuffer(string: "\(head)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }
}
