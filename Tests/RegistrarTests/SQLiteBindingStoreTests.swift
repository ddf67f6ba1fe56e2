import Foundation
import Testing
import SIPCore
@testable import Registrar

private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "registrar-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func binding(_ contact: String, key: String? = nil, expiresAt: Int64, q: UInt16? = nil,
                     aor: String = "sip:1001@gatehouse.test") -> Binding {
    Binding(aor: aor, key: key ?? "uri:\(contact)", contact: contact, q: q, expiresAt: expiresAt, callID: "c1", cseq: 7,
            instance: "<urn:uuid:1>", regID: 2, path: ["<sip:edge1;lr>", "<sip:edge2;lr>"],
            source: BindingSource(transport: "TLS", address: "198.51.100.7", port: 40_000, connectionID: "conn-3"),
            userAgent: "baresip", updatedAt: 1_000)
}

@Test func bindingsSurviveReopeningAndNoneExpireEarly() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let a = binding("sip:1001@192.0.2.10:5062", expiresAt: 4_600, q: 700)
    let b = binding("sip:1001@192.0.2.11:5062", expiresAt: 1_120)
    do {
        let store = try SQLiteBindingStore(dataDirectory: directory)
        try store.apply(BindingChange(aor: a.aor, upserts: [a, b]))
        #expect(try store.journalMode() == "wal")
        #expect(try store.schemaVersion() == 1)
    }
    // Reopened (a restart): everything is there with the same absolute expiry.
    let reopened = try SQLiteBindingStore(dataDirectory: directory)
    #expect(try reopened.schemaVersion() == 1)
    let stored = try reopened.bindings(for: a.aor, now: 1_100).sorted { $0.contact < $1.contact }
    #expect(stored == [a, b])
    // b lives until 1120 exactly; it is gone at 1120, a is not.
    #expect(try reopened.bindings(for: a.aor, now: 1_119).count == 2)
    #expect(try reopened.bindings(for: a.aor, now: 1_120) == [a])
    #expect(try reopened.removeExpired(now: 1_120) == 1)
    #expect(try reopened.allBindings(now: 1_120) == [a])
}

@Test func applyReplacesAndRemovesAtomically() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try SQLiteBindingStore(dataDirectory: directory, durable: false)
    let old = binding("sip:1001@192.0.2.10:5062", key: "instance:<urn:uuid:1>;reg-id:2", expiresAt: 2_000)
    try store.apply(BindingChange(aor: old.aor, upserts: [old]))
    var moved = old
    moved.contact = "sip:1001@10.1.1.1:6000"
    moved.expiresAt = 2_500
    try store.apply(BindingChange(aor: old.aor, upserts: [moved]))
    #expect(try store.bindings(for: old.aor, now: 1_000) == [moved])
    try store.apply(BindingChange(aor: old.aor, removals: [moved.key]))
    #expect(try store.bindings(for: old.aor, now: 1_000).isEmpty)
    // Another AOR is untouched by this one's changes.
    let other = binding("sip:1002@192.0.2.12", expiresAt: 3_000, aor: "sip:1002@gatehouse.test")
    try store.apply(BindingChange(aor: other.aor, upserts: [other]))
    try store.apply(BindingChange(aor: old.aor, removals: [other.key]))
    #expect(try store.allBindings(now: 1_000) == [other])
}

@Test func registrarWritesThroughTheStoreBeforeAnswering() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let registrar = Registrar()
    let source = BindingSource(transport: "UDP", address: "198.51.100.7", port: 40_000)
    do {
        let store = try SQLiteBindingStore(dataDirectory: directory)
        let request = try SIPParser().parse(Array(registerText(contact: "<sip:1001@192.0.2.10:5062>", expires: 600).utf8))
        let aor = try Registrar.addressOfRecord(of: request)
        let outcome = try registrar.process(request, aor: aor, existing: try store.bindings(for: aor, now: 1_000),
                                            source: source, now: 1_000)
        try store.apply(outcome.change)
    }
    let store = try SQLiteBindingStore(dataDirectory: directory)
    let refresh = try SIPParser().parse(Array(registerText(contact: nil, cseq: 2).utf8))
    let outcome = try registrar.process(refresh, aor: "sip:1001@gatehouse.test",
                                        existing: try store.bindings(for: "sip:1001@gatehouse.test", now: 1_500),
                                        source: source, now: 1_500)
    #expect(outcome.bindings.map(\.contact) == ["sip:1001@192.0.2.10:5062"])
    #expect(registrar.response(to: refresh, outcome: outcome, now: 1_500).headers[.contact] == "<sip:1001@192.0.2.10:5062>;expires=100")
}
