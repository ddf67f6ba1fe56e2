import Testing
import SIPCore
@testable import Registrar

/// §10.3 step 3: the registrar serves only its own domains when they are configured.
@Test func anAORInAnotherDomainIsNotFound() throws {
    let registrar = Registrar(policy: .init(domains: ["Gatehouse.test", "192.0.2.1"]))
    var bindings: [Binding] = []
    let ours = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>").utf8))
    #expect(run(ours, registrar: registrar, bindings: &bindings, now: 1_000).statusCode == 200)
    let foreign = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>", callID: "other")
        .replacingOccurrences(of: "sip:1001@gatehouse.test", with: "sip:1001@carrier.example").utf8))
    let refused = run(foreign, registrar: registrar, bindings: &bindings, now: 1_001)
    #expect(refused.statusCode == 404)
    #expect(refused.statusLine?.reason == "Not Found")
    #expect(bindings.map(\.aor) == ["sip:1001@gatehouse.test"])
}

@Test func withoutDomainsEveryDomainIsServed() throws {
    var bindings: [Binding] = []
    let foreign = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>")
        .replacingOccurrences(of: "sip:1001@gatehouse.test", with: "sip:1001@carrier.example").utf8))
    #expect(run(foreign, registrar: Registrar(), bindings: &bindings, now: 1_000).statusCode == 200)
    #expect(Registrar.domain(of: "sip:1001@[2001:db8::1]") == "[2001:db8::1]")
}
