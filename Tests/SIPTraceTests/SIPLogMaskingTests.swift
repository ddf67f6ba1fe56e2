import SIPTrace
import Testing

/// Secrets never reach a debug log line: credentials and URI passwords are masked, the rest stays.
@Suite struct SIPLogMaskingTests {
    static let register = [
        "REGISTER sip:gw.example SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-1",
        "From: <sip:alice@gw.example>;tag=a1",
        "To: <sip:alice@gw.example>",
        "Authorization: Digest username=\"alice\", realm=\"gw\", nonce=\"n0nce\", uri=\"sip:gw.example\",",
        " response=\"5f2b0c1a9e\", algorithm=MD5",
        "proxy-authorization  :Digest realm=\"gw\",username=\"bob\",response=\"deadbeef\"",
        "Contact: <sip:alice:hunter2@192.0.2.10:5062;transport=udp>",
        "Content-Length: 0",
        "",
        "",
    ].joined(separator: "\r\n")

    @Test func credentialsAndURIPasswordsAreMasked() {
        let masked = SIPLogMasking.masked(Self.register)
        for secret in ["5f2b0c1a9e", "n0nce", "deadbeef", "hunter2"] {
            #expect(!masked.contains(secret), "\(secret) leaked")
        }
        let lines = masked.components(separatedBy: "\r\n")
        #expect(lines[4] == "Authorization: Digest username=\"alice\", <masked>")
        #expect(lines[5] == "\t<masked>")
        #expect(lines[6] == "proxy-authorization  : Digest username=\"bob\", <masked>")
        #expect(lines[7] == "Contact: <sip:alice:***@192.0.2.10:5062;transport=udp>")
        // Everything else is untouched, line ends included.
        #expect(Array(lines[0...3]) == Array(Self.register.components(separatedBy: "\r\n")[0...3]))
        #expect(masked.hasSuffix("Content-Length: 0\r\n\r\n"))
    }

    @Test func otherSchemesAndPlainURIs() {
        #expect(SIPLogMasking.masked("X\r\nAuthorization: Bearer eyJhbGciOi\r\n\r\n") == "X\r\nAuthorization: Bearer <masked>\r\n\r\n")
        #expect(SIPLogMasking.masked("X\nAuthorization: Basic YWxpY2U6c2VjcmV0\n") == "X\nAuthorization: Basic <masked>\n")
        let plain = "INVITE sip:101@192.0.2.1:5060 SIP/2.0\r\nTo: <sips:bob@example.com:5061>\r\nRoute: <sip:192.0.2.1:5060;lr>\r\n\r\n"
        #expect(SIPLogMasking.masked(plain) == plain)
        #expect(SIPLogMasking.masked("INVITE sip:bob:pw@host SIP/2.0\r\n\r\n") == "INVITE sip:bob:***@host SIP/2.0\r\n\r\n")
        // WWW-Authenticate (the challenge) holds no secret; the body is never rewritten.
        let challenge = "SIP/2.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"gw\", nonce=\"abc\"\r\n\r\nAuthorization: x y"
        #expect(SIPLogMasking.masked(challenge) == challenge)
    }
}
