import Foundation
import Testing
import SIPCore
@testable import Registrar

/// Runs a golden exchange: `=== request at=T` blocks are sent in order to one registrar with an
/// in-memory location service; the response to the last must equal the `=== response` block.
private struct GoldenExchange {
    var requests: [(at: Int64, text: String)] = []
    var response = ""

    init(named name: String) throws {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "sip", subdirectory: "Fixtures"))
        let text = try String(contentsOf: url, encoding: .utf8)
        var current: [String] = []
        var at: Int64 = 0
        var inResponse = false
        func flush() {
            guard !current.isEmpty else { return }
            let block = current.joined(separator: "\r\n") + "\r\n\r\n"
            if inResponse { response = block } else { requests.append((at, block)) }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("=== request") {
                flush()
                at = Int64(line.split(separator: "=").last.map(String.init) ?? "") ?? 0
            } else if line.hasPrefix("=== response") {
                flush()
                inResponse = true
            } else if !line.isEmpty {
                current.append(String(line))
            }
        }
        flush()
    }
}

/// An in-memory stand-in for the store: applies changes to an array, as a BindingStore would.
func run(_ request: SIPMessage, registrar: Registrar, bindings: inout [Binding], now: Int64) -> SIPMessage {
    let source = BindingSource(transport: "UDP", address: "198.51.100.7", port: 40_000)
    do {
        let aor = try Registrar.addressOfRecord(of: request)
        let outcome = try registrar.process(request, aor: aor, existing: bindings, source: source, now: now)
        bindings.removeAll { old in
            old.aor == aor && (outcome.change.removals.contains(old.key) || outcome.change.upserts.contains { $0.key == old.key })
        }
        bindings += outcome.change.upserts
        return registrar.response(to: request, outcome: outcome, now: now, toTag: "reg")
    } catch {
        return registrar.response(to: request, error: error, toTag: "reg")
    }
}

@Test(arguments: [
    "add-two-contacts", "interval-too-brief", "max-expires-clamped", "wildcard-removes-all", "wildcard-without-expires-zero",
    "out-of-order-cseq", "instance-replaces-binding", "query-lists-bindings", "remove-one-contact", "path-echoed",
    "expired-binding-not-listed",
])
func golden(name: String) throws {
    let exchange = try GoldenExchange(named: name)
    let registrar = Registrar()
    var bindings: [Binding] = []
    var last: SIPMessage?
    for (at, text) in exchange.requests {
        let request = try SIPParser().parse(Array(text.utf8))
        last = run(request, registrar: registrar, bindings: &bindings, now: at)
    }
    let response = try #require(last)
    #expect(response.serializedString == exchange.response)
}

@Test func tooManyContactsIsRefusedAndNothingChanges() throws {
    let registrar = Registrar(policy: .init(maxContactsPerAOR: 2))
    var bindings: [Binding] = []
    let first = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>, <sip:1001@192.0.2.11:5062>").utf8))
    #expect(run(first, registrar: registrar, bindings: &bindings, now: 1_000).statusCode == 200)
    let third = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.12:5062>", callID: "other").utf8))
    let refused = run(third, registrar: registrar, bindings: &bindings, now: 1_001)
    #expect(refused.statusCode == 403)
    #expect(refused.statusLine?.reason == "Too Many Contacts")
    #expect(bindings.count == 2)
}

@Test func bindingRemembersSourcePathAndInstance() throws {
    let text = registerText(
        contact: "<sip:1001@10.0.0.5:5062;transport=tcp>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1",
        expires: 300, extra: ["Path: <sip:edge.example;lr>", "User-Agent: baresip"])
    let request = try SIPParser().parse(Array(text.utf8))
    let source = BindingSource(transport: "TCP", address: "198.51.100.7", port: 40_001, connectionID: "conn-9")
    let outcome = try Registrar().process(request, aor: "sip:1001@gatehouse.test", existing: [], source: source, now: 5_000)
    let binding = try #require(outcome.bindings.first)
    #expect(binding.source == source)
    #expect(binding.path == ["<sip:edge.example;lr>"])
    #expect(binding.instance == "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")
    #expect(binding.regID == 1)
    #expect(binding.expiresAt == 5_300)
    #expect(binding.userAgent == "baresip")
    #expect(binding.key == "instance:<urn:uuid:00000000-0000-1000-8000-000A95A0E128>;reg-id:1")
}

@Test func missingToUserIsABadRequest() throws {
    let text = registerText(contact: "<sip:1001@192.0.2.10>").replacingOccurrences(of: "To: <sip:1001@gatehouse.test>", with: "To: <sip:gatehouse.test>")
    let request = try SIPParser().parse(Array(text.utf8))
    #expect(throws: RegistrarError.missingOrInvalidHeader("To")) { try Registrar.addressOfRecord(of: request) }
}
