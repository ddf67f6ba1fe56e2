import Testing
import SIPCore
@testable import Registrar

/// RFC 7616 §3.9.1 example (the same values for both algorithms).
private enum RFC7616 {
    static let username = "Mufasa", realm = "http-auth@example.org", password = "Circle of Life"
    static let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
    static let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    static let uri = "/dir/index.html"
}

@Test(arguments: [
    (DigestHash.md5, "8ca523f5e9506fed4657c9700eebdbec"),
    (DigestHash.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
func rfc7616ExampleResponse(hash: DigestHash, expected: String) {
    let ha1 = DigestResponse.ha1(hash, username: RFC7616.username, realm: RFC7616.realm, password: RFC7616.password)
    let response = DigestResponse.compute(hash, ha1: ha1, method: "GET", uri: RFC7616.uri, nonce: RFC7616.nonce,
                                          nonceCount: "00000001", cnonce: RFC7616.cnonce, qop: "auth")
    #expect(response == expected)
}

@Test func hmacSHA256MatchesRFC4231Case2() {
    let mac = DigestHash.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
    #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
}

private let realm = "gatehouse.test"
private let secret = [UInt8](repeating: 7, count: 32)

private func credentials(
    _ hash: DigestHash, user: String = "1001", password: String = "s3cret", nonce: String,
    nc: UInt32 = 1, uri: String = "sip:gatehouse.test", method: String = "REGISTER"
) -> DigestCredentials {
    let ha1 = DigestResponse.ha1(hash, username: user, realm: realm, password: password)
    let hex = String(nc, radix: 16)
    let ncText = String(repeating: "0", count: 8 - hex.count) + hex
    let response = DigestResponse.compute(hash, ha1: ha1, method: method, uri: uri, nonce: nonce,
                                          nonceCount: ncText, cnonce: "abc123", qop: "auth")
    return DigestCredentials(username: user, realm: realm, nonce: nonce, uri: uri, response: response,
                             algorithm: hash.algorithm, cnonce: "abc123", qop: "auth", nonceCount: nc)
}

private func lookup(_ user: String) -> DigestSecret? { user == "1001" ? .password("s3cret") : nil }

@Test func challengesOfferSHA256FirstThenMD5WithOneNonce() {
    let auth = DigestAuthenticator(realm: realm, secret: secret)
    let challenges = auth.challenges(now: 1_000)
    #expect(challenges.map(\.algorithm) == [.sha256, .md5])
    let shapes = challenges.map { "\($0.qopOptions) \($0.realm ?? "") \($0.isStale)" }
    #expect(shapes == ["[\"auth\"] \(realm) false", "[\"auth\"] \(realm) false"])
    #expect(challenges[0].nonce == challenges[1].nonce)
    #expect(auth.challenges(now: 1_000, stale: true).map(\.isStale) == [true, true])
}

@Test(arguments: [DigestHash.sha256, .md5])
func validCredentialsAuthenticate(hash: DigestHash) {
    var auth = DigestAuthenticator(realm: realm, secret: secret)
    let nonce = auth.nonces.make(now: 1_000)
    let outcome = auth.verify([credentials(hash, nonce: nonce)], method: "REGISTER", requestURI: "sip:gatehouse.test",
                              now: 1_010, lookup: lookup)
    #expect(outcome == .authenticated(username: "1001", algorithm: hash.algorithm))
}

@Test func storedHA1Authenticates() {
    var auth = DigestAuthenticator(realm: realm, secret: secret)
    let nonce = auth.nonces.make(now: 1_000)
    let ha1 = DigestResponse.ha1(.sha256, username: "1001", realm: realm, password: "s3cret")
    let outcome = auth.verify([credentials(.sha256, nonce: nonce)], method: "REGISTER", now: 1_000) { _ in
        .ha1(md5: nil, sha256: ha1.uppercased())
    }
    #expect(outcome == .authenticated(username: "1001", algorithm: .sha256))
    // An MD5 answer cannot be checked against a SHA-256-only HA1.
    let md5 = auth.verify([credentials(.md5, nonce: nonce, nc: 2)], method: "REGISTER", now: 1_000) { _ in
        .ha1(md5: nil, sha256: ha1)
    }
    #expect(md5 == .failed)
}

@Test func unknownUserAndWrongPasswordAreIndistinguishable() throws {
    var auth = DigestAuthenticator(realm: realm, secret: secret)
    let nonce = auth.nonces.make(now: 1_000)
    let wrong = auth.verify([credentials(.sha256, password: "guess", nonce: nonce)], method: "REGISTER", now: 1_000, lookup: lookup)
    let unknown = auth.verify([credentials(.sha256, user: "9999", nonce: nonce)], method: "REGISTER", now: 1_000, lookup: lookup)
    #expect(wrong == .failed)
    #expect(unknown == .failed)
    let request = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>").utf8))
    let a = try #require(auth.response(to: request, outcome: wrong, now: 1_000, proxy: false))
    let b = try #require(auth.response(to: request, outcome: unknown, now: 1_000, proxy: false))
    #expect(a.statusLine == b.statusLine)
    #expect(a.statusCode == 403)
    #expect(a.headers.map(\.name) == b.headers.map(\.name))
}

@Test func expiredNonceIsStaleAndForgedNonceIsChallenged() {
    var auth = DigestAuthenticator(realm: realm, nonceLifetime: 300, secret: secret)
    let nonce = auth.nonces.make(now: 1_000)
    #expect(auth.verify([credentials(.md5, nonce: nonce)], method: "REGISTER", now: 1_301, lookup: lookup) == .stale)
    // Same nonce under another secret: not ours.
    let other = DigestNonceCodec(realm: realm, secret: [UInt8](repeating: 8, count: 32)).make(now: 1_000)
    #expect(auth.verify([credentials(.md5, nonce: other)], method: "REGISTER", now: 1_001, lookup: lookup) == .challenge)
    var tampered = Array(nonce.utf8)
    tampered[0] = tampered[0] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
    #expect(auth.nonces.check(String(decoding: tampered, as: UTF8.self), now: 1_001) == .invalid)
    #expect(auth.nonces.check("not-hex", now: 1_001) == .invalid)
}

@Test func nonceCountReplayIsRefused() {
    var auth = DigestAuthenticator(realm: realm, secret: secret)
    let nonce = auth.nonces.make(now: 1_000)
    let first = credentials(.sha256, nonce: nonce, nc: 1)
    #expect(auth.verify([first], method: "REGISTER", now: 1_001, lookup: lookup) == .authenticated(username: "1001", algorithm: .sha256))
    #expect(auth.verify([first], method: "REGISTER", now: 1_002, lookup: lookup) == .challenge)
    #expect(auth.verify([credentials(.sha256, nonce: nonce, nc: 2)], method: "REGISTER", now: 1_003, lookup: lookup)
        == .authenticated(username: "1001", algorithm: .sha256))
    // A count above 1 on a nonce never seen: stale, so the client fetches a fresh nonce.
    let unseen = auth.nonces.make(now: 1_004)
    #expect(auth.verify([credentials(.sha256, nonce: unseen, nc: 5)], method: "REGISTER", now: 1_004, lookup: lookup) == .stale)
}

@Test func nonceCountTrackerStaysBounded() {
    var tracker = NonceCountTracker(capacity: 8)
    for index in 0..<100 { #expect(tracker.accept(nonce: "n\(index)", count: 1) == .accepted) }
    #expect(tracker.count <= 8)
    #expect(tracker.accept(nonce: "n99", count: 1) == .replay)
}

@Test func missingOrForeignCredentialsDrawAChallenge() throws {
    var auth = DigestAuthenticator(realm: realm, secret: secret)
    #expect(auth.verify([], method: "REGISTER", now: 1_000, lookup: lookup) == .challenge)
    let nonce = auth.nonces.make(now: 1_000)
    var foreign = credentials(.md5, nonce: nonce)
    foreign.parameters.set("realm", to: "\"carrier.example\"")
    #expect(auth.verify([foreign], method: "REGISTER", now: 1_000, lookup: lookup) == .challenge)
    let request = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>").utf8))
    let challenge = try #require(auth.response(to: request, outcome: .challenge, now: 1_000))
    #expect(challenge.statusCode == 401)
    #expect(try challenge.wwwAuthenticate.map(\.algorithm) == [.sha256, .md5])
    let proxy = try #require(auth.response(to: request, outcome: .stale, now: 1_000, proxy: true))
    #expect(proxy.statusCode == 407)
    #expect(try proxy.proxyAuthenticate.map(\.isStale) == [true, true])
}

/// A REGISTER from 1001 at 192.0.2.10, CRLF line ends.
func registerText(contact: String?, expires: Int? = nil, callID: String = "reg-1@192.0.2.10", cseq: Int = 1,
                  extra: [String] = []) -> String {
    var lines = [
        "REGISTER sip:gatehouse.test SIP/2.0",
        "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-\(cseq);rport",
        "Max-Forwards: 70",
        "From: <sip:1001@gatehouse.test>;tag=f1",
        "To: <sip:1001@gatehouse.test>",
        "Call-ID: \(callID)",
        "CSeq: \(cseq) REGISTER",
    ]
    if let contact { lines.append("Contact: \(contact)") }
    if let expires { lines.append("Expires: \(expires)") }
    lines += extra
    lines.append("Content-Length: 0")
    return lines.joined(separator: "\r\n") + "\r\n\r\n"
}
