import Testing
@testable import SIPCore

@Suite struct DigestTests {
    @Test func parsesChallenge() throws {
        // RFC 8760 §3 style challenge with several qop options.
        let challenge = try DigestChallenge(parsing: """
            Digest realm="atlanta.com",
             domain="sip:boxesbybob.com", qop="auth,auth-int",
             nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=SHA-256
            """)
        #expect(challenge.isDigest)
        #expect(challenge.realm == "atlanta.com")
        #expect(challenge.domain == "sip:boxesbybob.com")
        #expect(challenge.qopOptions == ["auth", "auth-int"])
        #expect(challenge.nonce == "f84f1cec41e6cbe5aea9c8e88d359")
        #expect(challenge.opaque == "")
        #expect(!challenge.isStale)
        #expect(challenge.algorithm == .sha256)
        #expect(challenge.algorithm == DigestAlgorithm("sha-256"))
        #expect(try DigestChallenge(parsing: "Digest realm=\"r\", nonce=\"n\", stale=true").isStale)
        #expect(try DigestChallenge(parsing: "digest realm=\"r\", nonce=\"n\"").algorithm == nil)
    }

    @Test func buildsChallenge() throws {
        let challenge = DigestChallenge(realm: "gatehouse", nonce: "abc\"def", algorithm: .sha256, opaque: "o", stale: true)
        #expect(challenge.description
                == "Digest realm=\"gatehouse\", nonce=\"abc\\\"def\", opaque=\"o\", algorithm=SHA-256, qop=\"auth\", stale=TRUE")
        let reparsed = try DigestChallenge(parsing: challenge.description)
        #expect(reparsed == challenge)
        #expect(reparsed.nonce == "abc\"def")
    }

    @Test func parsesCredentials() throws {
        // RFC 3261 §25 style Authorization with RFC 7616 fields.
        let credentials = try DigestCredentials(parsing: """
            Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
             uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b",
             response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41",
             algorithm=MD5, userhash=false
            """)
        #expect(credentials.username == "bob")
        #expect(credentials.realm == "biloxi.com")
        #expect(credentials.uri == "sip:bob@biloxi.com")
        #expect(credentials.qop == "auth")
        #expect(credentials.nonceCount == 1)
        #expect(credentials.cnonce == "0a4f113b")
        #expect(credentials.response == "6629fae49393a05397450978507c4ef1")
        #expect(credentials.opaque == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(credentials.algorithm == .md5)
        #expect(!credentials.userhash)
        #expect(try DigestCredentials(parsing: credentials.description) == credentials)
        #expect(try DigestCredentials(parsing: "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=\"auth\"").qop == "auth")
    }

    @Test func buildsCredentials() {
        let credentials = DigestCredentials(username: "alice", realm: "r", nonce: "n", uri: "sip:r", response: "ab",
                                            algorithm: .sha512_256, cnonce: "c", qop: "auth", nonceCount: 0x1f)
        #expect(credentials.description == "Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"ab\", "
                + "algorithm=SHA-512-256, cnonce=\"c\", qop=auth, nc=0000001f")
        #expect(credentials.nonceCount == 31)
        #expect(credentials.algorithm?.isSession == false)
        #expect(DigestAlgorithm.sha256Session.isSession)
        #expect(DigestAlgorithm("md5-SESS").isSession)
    }

    @Test func extendedUsername() throws {
        // RFC 7616 §3.4.4: username* carries a name beyond ASCII.
        let credentials = try DigestCredentials(parsing: "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"r\", "
                                                + "nonce=\"n\", uri=\"sip:r\", response=\"00\", userhash=false")
        #expect(credentials.username == "Jäsøn Doe")
        #expect(AuthParameterList.decodeExtendedValue("ISO-8859-1'en'x") == nil)
        #expect(AuthParameterList.decodeExtendedValue("utf-8''%41") == "A")
    }

    @Test func authenticationInfo() throws {
        let info = try AuthenticationInfo(parsing: "nextnonce=\"47364c23432d2e131a5fb210812c\", qop=auth, "
                                          + "rspauth=\"6629fae49393a05397450978507c4ef1\", cnonce=\"0a4f113b\", nc=00000001")
        #expect(info.nextNonce == "47364c23432d2e131a5fb210812c")
        #expect(info.qop == "auth")
        #expect(info.responseAuth == "6629fae49393a05397450978507c4ef1")
        #expect(info.cnonce == "0a4f113b")
        #expect(info.nonceCount == 1)
        #expect(try AuthenticationInfo(parsing: info.description) == info)
        #expect(AuthenticationInfo(nextNonce: "abc").description == "nextnonce=\"abc\"")
        #expect(throws: SIPGrammarError(.empty, in: .authParameter, at: 0)) { try AuthenticationInfo(parsing: " ") }
        #expect(throws: SIPGrammarError(.unexpectedEnd, in: .authParameter, at: 9)) { try AuthenticationInfo(parsing: "nextnonce") }
    }

    @Test func otherSchemesAreKept() throws {
        // RFC 4475 §3.3.7 (regaut01): an unknown authorization scheme.
        let other = try DigestCredentials(parsing: "NoOneKnowsThisScheme opaque-data=here")
        #expect(!other.isDigest)
        #expect(other.scheme == "NoOneKnowsThisScheme")
        #expect(other.value("opaque-data") == "here")
        #expect(try DigestChallenge(parsing: "Basic").parameters.isEmpty)
    }

    @Test func rejects() {
        let challenges: [(String, SIPGrammarError)] = [
            ("Digest realm=\"r\"", SIPGrammarError(.missingParameter, in: .challenge, at: 0)),
            ("Digest realm=\"r\", nonce", SIPGrammarError(.unexpectedEnd, in: .authParameter, at: 23)),
            ("Digest realm=\"r, nonce=\"n\"", SIPGrammarError(.unexpectedByte(UInt8(ascii: "n")), in: .authParameter, at: 24)),
            ("Digest realm=\"r\", nonce=\"n", SIPGrammarError(.unexpectedEnd, in: .quotedString, at: 26)),
            ("Digest realm=\"r\" nonce=\"n\"", SIPGrammarError(.unexpectedByte(UInt8(ascii: "n")), in: .authParameter, at: 17)),
            ("Digest,realm=\"r\"", SIPGrammarError(.unexpectedByte(UInt8(ascii: ",")), in: .challenge, at: 6)),
            ("", SIPGrammarError(.unexpectedEnd, in: .challenge, at: 0)),
        ]
        for (text, error) in challenges {
            #expect(throws: error, "\(text)") { try DigestChallenge(parsing: text) }
        }
        #expect(throws: SIPGrammarError(.missingParameter, in: .credentials, at: 0)) {
            try DigestCredentials(parsing: "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\"")
        }
        let many = "Digest " + (0...SIPGrammarLimits.maxAuthParameters).map { "p\($0)=1" }.joined(separator: ", ")
        #expect(throws: SIPGrammarError.self) { try DigestChallenge(parsing: many) }
    }
}
