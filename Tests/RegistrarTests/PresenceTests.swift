import Testing
@testable import Registrar

private func binding(_ host: String, q: UInt16?, expiresAt: Int64, updatedAt: Int64 = 1_000) -> Binding {
    Binding(aor: "sip:1001@gatehouse.test", key: "uri:\(host)", contact: "sip:1001@\(host)", q: q, expiresAt: expiresAt,
            callID: "c", cseq: 1, source: BindingSource(transport: "UDP", address: host, port: 5060), updatedAt: updatedAt)
}

@Test func reachabilityOrdersByQAndSkipsExpiredAndDownContacts() {
    let low = binding("192.0.2.1", q: 300, expiresAt: 2_000)
    let high = binding("192.0.2.2", q: 900, expiresAt: 2_000)
    let noQ = binding("192.0.2.3", q: nil, expiresAt: 2_000)
    let expired = binding("192.0.2.4", q: 1000, expiresAt: 1_500)
    var table = PresenceTable()
    let all = [low, high, noQ, expired]
    #expect(table.reachability(of: "sip:1001@gatehouse.test", bindings: all, now: 1_600).contacts == [noQ, high, low])
    table.setHealth(.down, aor: noQ.aor, key: noQ.key)
    table.setHealth(.down, aor: high.aor, key: high.key)
    #expect(table.reachability(of: "sip:1001@gatehouse.test", bindings: all, now: 1_600).contacts == [low])
    table.setHealth(.down, aor: low.aor, key: low.key)
    #expect(!table.reachability(of: "sip:1001@gatehouse.test", bindings: all, now: 1_600).isReachable)
    table.setHealth(.up, aor: high.aor, key: high.key)
    #expect(table.reachability(of: "sip:1001@gatehouse.test", bindings: all, now: 1_600).contacts == [high])
    table.retain(only: [high])
    #expect(table.health(aor: low.aor, key: low.key) == .unknown)
    #expect(table.health(aor: high.aor, key: high.key) == .up)
    #expect(!table.reachability(of: "sip:1002@gatehouse.test", bindings: all, now: 1_600).isReachable)
}
