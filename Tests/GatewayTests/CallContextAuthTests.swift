import Foundation
import Registrar
import SIPCore
import Testing
@testable import Gateway

/// The INVITE re-sent to a carrier that challenged it (RFC 3261 §22.2): next CSeq, same Call-ID,
/// credentials a registrar with the carrier's realm and password accepts.
@Suite struct CallContextAuthTests {
    static let password = "trunk-secret"

    static func invite() throws -> SIPMessage {
        let lines = [
            "INVITE sip:+46701234567@198.51.100.7:5070 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-t1",
            "Max-Forwards: 69",
            "From: <sip:+4687654321@198.51.100.7>;tag=f1", "To: <sip:+46701234567@198.51.100.7>",
            "Call-ID: gh0-abc-leg1@gatehouse", "CSeq: 1 INVITE", "Content-Length: 0",
        ]
        return try SIPParser().parse(lines.joined(separator: "\r\n") + "\r\n\r\n")
    }

    @available(macOS 15.0, *)
    @Test(arguments: [407, 401]) func challengeIsAnsweredWithTheNextCSeq(status: Int) throws {
        let invite = try Self.invite()
        var carrier = DigestAuthenticator(realm: "carrier.example", algorithms: [.md5])
        let challenge = try #require(carrier.response(to: invite, outcome: .challenge, now: 1000, proxy: status == 407))
        #expect(challenge.statusCode == status)
        var client = DigestClient(username: "gw", secret: .password(Self.password))
        let retried = try #require(CallContext.authenticatedInvite(invite, challenge: challenge, client: &client))
        // Through the wire format, as the carrier sees it.
        let parsed = try SIPParser().parse(String(decoding: retried.serialized(), as: UTF8.self))
        #expect(parsed.cseqNumber == 2)
        #expect(parsed.callID == invite.callID)
        #expect(parsed.headers[.cseq] == "2 INVITE")
        let credentials = try status == 407 ? parsed.proxyAuthorization : parsed.authorization
        #expect(credentials.count == 1)
        #expect(parsed.headers[status == 407 ? .authorization : .proxyAuthorization] == nil)
        let outcome = carrier.verify(credentials, method: "INVITE", requestURI: "sip:+46701234567@198.51.100.7:5070",
                                     now: 1001) { $0 == "gw" ? .password(Self.password) : nil }
        #expect(outcome == .authenticated(username: "gw", algorithm: DigestHash.md5.algorithm))
    }

    @available(macOS 15.0, *)
    @Test func challengeForAnotherRealmOrWithoutChallengeIsNotAnswered() throws {
        let invite = try Self.invite()
        let carrier = DigestAuthenticator(realm: "carrier.example", algorithms: [.md5])
        let challenge = try #require(carrier.response(to: invite, outcome: .challenge, now: 1000, proxy: true))
        var client = DigestClient(username: "gw", secret: .password(Self.password))
        #expect(CallContext.authenticatedInvite(invite, challenge: challenge, client: &client, realm: "other") == nil)
        let bare = invite.makeResponse(status: 407)
        #expect(CallContext.authenticatedInvite(invite, challenge: bare, client: &client) == nil)
        let busy = invite.makeResponse(status: 486)
        #expect(CallContext.authenticatedInvite(invite, challenge: busy, client: &client) == nil)
    }
}
