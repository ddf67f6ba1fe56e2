import Foundation
import SIPCore
import SIPSecurity

/// Virtual time: seconds after a fixed epoch.
func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + seconds) }

func address(_ text: String) -> SourceAddress {
    guard let address = SourceAddress(text) else { fatalError("bad test address \(text)") }
    return address
}

/// A parsed request with the given User-Agent and From.
func request(
    method: String = "OPTIONS", userAgent: String? = nil,
    from: String = "<sip:alice@example.com>;tag=1"
) -> SIPMessage {
    var text = "\(method) sip:100@192.0.2.1 SIP/2.0\r\n"
    text += "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1\r\n"
    text += "From: \(from)\r\nTo: <sip:100@192.0.2.1>\r\nCall-ID: abc\r\nCSeq: 1 \(method)\r\nMax-Forwards: 70\r\n"
    if let userAgent { text += "User-Agent: \(userAgent)\r\n" }
    text += "Content-Length: 0\r\n\r\n"
    do {
        return try SIPParser().parse(Array(text.utf8))
    } catch {
        fatalError("test request does not parse: \(error)")
    }
}
