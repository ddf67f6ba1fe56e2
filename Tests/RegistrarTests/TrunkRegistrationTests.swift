import Testing
import SIPCore
@testable import Registrar

private let configuration = TrunkRegistration.Configuration(
    registrar: "sip:carrier.example", aor: "sip:4930123@carrier.example", contact: "sip:4930123@203.0.113.5:5060",
    username: "4930123", secret: .password("trunk-pw"), expires: 600)

private func sent(_ actions: [TrunkRegistration.Action]) -> SIPMessage? {
    for case .send(let message) in actions { return message }
    return nil
}

private func wakeUp(_ actions: [TrunkRegistration.Action]) -> Int64? {
    for case .wakeUp(let at) in actions { return at }
    return nil
}

/// A carrier registrar built from this module's server side: challenges, then accepts.
private struct Carrier {
    var auth = DigestAuthenticator(realm: "carrier.example", secret: [UInt8](repeating: 1, count: 32))
    var password = "trunk-pw"

    mutating func answer(_ request: SIPMessage, now: Int64, proxy: Bool = false) throws -> SIPMessage {
        let credentials = proxy ? try request.proxyAuthorization : try request.authorization
        let password = self.password
        let outcome = auth.verify(credentials, method: "REGISTER", requestURI: request.requestLine?.uriString, now: now) {
            $0 == "4930123" ? .password(password) : nil
        }
        if let refusal = auth.response(to: request, outcome: outcome, now: now, proxy: proxy) { return refusal }
        var ok = request.makeResponse(status: 200)
        ok.headers.append(.contact, value: "<sip:4930123@203.0.113.5:5060>;expires=300")
        return ok
    }
}

@Test(arguments: [false, true])
func registersThroughAChallengeAndRefreshesEarly(proxy: Bool) throws {
    var carrier = Carrier()
    var trunk = TrunkRegistration(configuration: configuration, callID: "trunk-call")
    let first = try #require(sent(trunk.start(now: 1_000)))
    let challenge = try carrier.answer(first, now: 1_000, proxy: proxy)
    #expect(challenge.statusCode == (proxy ? 407 : 401))
    let second = try #require(sent(trunk.handle(response: challenge, now: 1_000)))
    #expect(second.callID == "trunk-call")
    #expect(second.cseqNumber == 2)
    let credentials = try #require(try (proxy ? second.proxyAuthorization : second.authorization).first)
    #expect(credentials.algorithm == .sha256)
    let ok = try carrier.answer(second, now: 1_001, proxy: proxy)
    #expect(ok.statusCode == 200)
    let actions = trunk.handle(response: ok, now: 1_001)
    // Granted 300 s: refresh 60 s before expiry.
    #expect(wakeUp(actions) == 1_241)
    #expect(trunk.isRegistered(now: 1_240))
    let early = trunk.timerFired(now: 1_100)
    #expect(early.isEmpty)
    let refresh = try #require(sent(trunk.timerFired(now: 1_241)))
    #expect(refresh.cseqNumber == 3)
    #expect(refresh.callID == "trunk-call")
}

@Test func wrongPasswordBacksOffExponentiallyForever() throws {
    var carrier = Carrier()
    carrier.password = "changed-by-carrier"
    var trunk = TrunkRegistration(configuration: configuration)
    var now: Int64 = 1_000
    var delays: [Int64] = []
    var request = try #require(sent(trunk.start(now: now)))
    for _ in 0..<12 {
        let challenge = try carrier.answer(request, now: now)
        #expect(challenge.statusCode == 401)
        let retry = try #require(sent(trunk.handle(response: challenge, now: now)))
        let refused = try carrier.answer(retry, now: now)
        #expect(refused.statusCode == 403)
        let wake = try #require(wakeUp(trunk.handle(response: refused, now: now)))
        delays.append(wake - now)
        now = wake
        request = try #require(sent(trunk.timerFired(now: now)))
    }
    #expect(delays == [5, 10, 20, 40, 80, 160, 300, 300, 300, 300, 300, 300])
    #expect(trunk.failures == 12)
}

@Test func timeoutBacksOffAnd423RaisesExpiry() throws {
    var trunk = TrunkRegistration(configuration: configuration)
    _ = trunk.start(now: 0)
    #expect(wakeUp(trunk.transactionFailed(now: 10)) == 15)
    #expect(trunk.state == .backingOff(until: 15, failures: 1))
    let request = try #require(sent(trunk.timerFired(now: 15)))
    var tooBrief = request.makeResponse(status: 423)
    tooBrief.headers.append(.minExpires, value: "1800")
    let retry = try #require(sent(trunk.handle(response: tooBrief, now: 16)))
    #expect(retry.expires == 1800)
}

@Test func probeHealthFollowsTheTrunkRules() {
    var health = ProbeHealth()
    var trace: [String] = []
    func step(_ result: ProbeHealth.Result) {
        let changed = health.record(result)
        trace.append("\(health.isUp ? "up" : "down")\(changed ? "!" : "")")
    }
    // Three misses take it down; two answers (any status but 503/408) bring it up.
    for _ in 0..<3 { step(.timeout) }
    step(.answered(status: 200))
    step(.answered(status: 404))
    // A miss in between resets the count; 503 and 408 take it down at once.
    step(.timeout)
    step(.answered(status: 200))
    step(.answered(status: 503))
    step(.answered(status: 200))
    step(.answered(status: 408))
    step(.answered(status: 200))
    step(.answered(status: 200))
    #expect(trace == ["up", "up", "down!", "down", "up!", "up", "up", "down!", "down", "down", "down", "up!"])
}

/// RFC 3261 §10.2.2: the un-REGISTER at shutdown: Expires 0, the same Call-ID, the next CSeq; a
/// challenge is answered once, and nothing is sent when the carrier holds no binding.
@Test func unregistersWithExpiresZeroThroughAChallenge() throws {
    var carrier = Carrier()
    var trunk = TrunkRegistration(configuration: configuration, callID: "trunk-call")
    #expect(trunk.unregister(now: 1_000).isEmpty, "never registered: nothing to remove")
    let first = try #require(sent(trunk.start(now: 1_000)))
    let second = try #require(sent(trunk.handle(response: try carrier.answer(first, now: 1_000), now: 1_000)))
    _ = trunk.handle(response: try carrier.answer(second, now: 1_000), now: 1_000)
    #expect(trunk.registeredUntil == 1_300)

    let removal = try #require(sent(trunk.unregister(now: 1_010)))
    #expect(removal.headers[.expires] == "0")
    #expect(removal.callID == "trunk-call")
    #expect(removal.cseqNumber == 3)
    #expect(trunk.isUnregistering)
    let challenge = try carrier.answer(removal, now: 1_010)
    #expect(challenge.statusCode == 401)
    let answered = try #require(sent(trunk.handle(response: challenge, now: 1_010)))
    #expect(answered.headers[.expires] == "0")
    #expect(answered.cseqNumber == 4)
    #expect(try answered.authorization.first?.username == "4930123")
    let done = trunk.handle(response: try carrier.answer(answered, now: 1_010), now: 1_010)
    #expect(done.isEmpty)
    #expect(trunk.registeredUntil == nil)
    #expect(!trunk.isRegistered(now: 1_011))
    #expect(trunk.unregister(now: 1_011).isEmpty, "removed once")

    // A challenge to the answered un-REGISTER is not answered again: the removal is over.
    var refused = TrunkRegistration(configuration: configuration, callID: "other")
    let a = try #require(sent(refused.start(now: 2_000)))
    let b = try #require(sent(refused.handle(response: try carrier.answer(a, now: 2_000), now: 2_000)))
    _ = refused.handle(response: try carrier.answer(b, now: 2_000), now: 2_000)
    let c = try #require(sent(refused.unregister(now: 2_001)))
    let d = try #require(sent(refused.handle(response: try carrier.answer(c, now: 2_001), now: 2_001)))
    carrier.password = "changed"
    let again = try carrier.answer(d, now: 2_001)
    #expect(again.statusCode == 401 || again.statusCode == 403)
    #expect(refused.handle(response: again, now: 2_001).isEmpty)
    #expect(refused.registeredUntil == nil)
}
