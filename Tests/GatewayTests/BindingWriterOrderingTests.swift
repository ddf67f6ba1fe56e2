import Foundation
import NIOPosix
import Registrar
import SIPCore
import Synchronization
import Testing
@testable import Gateway

/// Issue 4 review: REGISTERs of one AOR on the storage pool's threads are worked out one at a
/// time, and a change (or a 200) built on an uncommitted change that then fails is not confirmed.
@Suite struct BindingWriterOrderingTests {
    /// A store whose first batch waits for the gate, and which refuses every change that writes
    /// a binding with the key `failing`.
    final class FailingStore: BindingStore {
        let base: SQLiteBindingStore
        let failing: String
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let calls = Mutex(0)
        struct Refused: Error {}

        init(directory: String, failing: String) throws {
            base = try SQLiteBindingStore(dataDirectory: directory)
            self.failing = failing
        }

        func bindings(for aor: String, now: Int64) throws -> [Binding] { try base.bindings(for: aor, now: now) }
        func apply(_ change: BindingChange) throws { try apply(batch: [change]) }
        func apply(batch changes: [BindingChange]) throws {
            if calls.withLock({ $0 += 1; return $0 == 1 }) {
                started.signal()
                gate.wait()
            }
            if changes.contains(where: { $0.upserts.contains { $0.key == failing } }) { throw Refused() }
            try base.apply(batch: changes)
        }
        func removeExpired(now: Int64) throws -> Int { try base.removeExpired(now: now) }
        func allBindings(now: Int64) throws -> [Binding] { try base.allBindings(now: now) }
    }

    static func temporaryDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    static func register(contact: String, cseq: Int) throws -> SIPMessage {
        try SIPParser().parse([
            "REGISTER sip:gw SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-\(contact)",
            "Max-Forwards: 70", "From: <sip:alice@gw>;tag=f\(contact)", "To: <sip:alice@gw>",
            "Call-ID: call-\(contact)", "CSeq: \(cseq) REGISTER", "Expires: 600",
            "Contact: <sip:alice@192.0.2.\(contact):5060>", "Content-Length: 0", "", "",
        ].joined(separator: "\r\n"))
    }

    @Test func concurrentRegistersOfOneAORSeeEachOther() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteBindingStore(dataDirectory: directory)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let writer = BindingWriter(store: store, pool: pool)
        // One contact at most: of two REGISTERs adding a contact each, one must be refused.
        let registrar = Registrar(policy: .init(maxContactsPerAOR: 1))
        let outcomes = Mutex<[String]>([])
        let source = BindingSource(transport: "UDP", address: "192.0.2.10", port: 5062)
        for contact in ["1", "2"] {
            let request = try Self.register(contact: contact, cseq: 1)
            pool.submit { _ in
                writer.serialized(try? Registrar.addressOfRecord(of: request)) {
                    let now = Int64(Date().timeIntervalSince1970)
                    guard let read = try? writer.read("sip:alice@gw", now: now) else { return }
                    // The work between read and submit (digest check, processing) takes a while:
                    // without the per-AOR lock both reads see no binding.
                    Thread.sleep(forTimeInterval: 0.1)
                    do {
                        let result = try registrar.process(request, aor: "sip:alice@gw", existing: read.bindings, source: source, now: now)
                        writer.submit(result.change, after: read.pending) { ok in outcomes.withLock { $0.append(ok ? "200" : "500") } }
                    } catch {
                        outcomes.withLock { $0.append("refused") }
                    }
                }
            }
        }
        let deadline = Date().addingTimeInterval(10)
        while outcomes.withLock({ $0.count }) < 2, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(outcomes.withLock { $0 }.sorted() == ["200", "refused"])
        #expect(try store.bindings(for: "sip:alice@gw", now: Int64(Date().timeIntervalSince1970)).count == 1)
        try await pool.shutdownGracefully()
    }

    @Test func changesBuiltOnAFailedChangeFailToo() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try FailingStore(directory: directory, failing: "poison")
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let writer = BindingWriter(store: store, pool: pool)
        let now = Int64(Date().timeIntervalSince1970)
        let outcomes = Mutex<[String: Bool]>([:])
        func record(_ name: String) -> BindingWriter.Completion { { ok in outcomes.withLock { $0[name] = ok } } }
        func binding(_ aor: String, _ key: String) -> Binding {
            Binding(aor: aor, key: key, contact: "sip:\(key)@192.0.2.1", q: nil, expiresAt: now + 600, callID: "c", cseq: 1,
                    source: BindingSource(transport: "UDP", address: "192.0.2.1", port: 5060), updatedAt: 0)
        }
        // A first change holds the store while the rest queue up behind it.
        writer.submit(BindingChange(aor: "sip:first@gw", upserts: [binding("sip:first@gw", "f")]), done: record("first"))
        store.started.wait()
        writer.submit(BindingChange(aor: "sip:bad@gw", upserts: [binding("sip:bad@gw", "poison")]), done: record("bad"))
        // A REGISTER that sees the uncommitted contact (its own change alone would be written),
        // and a query that lists it.
        let read = try writer.read("sip:bad@gw", now: now)
        #expect(read.bindings.map(\.key) == ["poison"] && read.pending.count == 1)
        writer.submit(BindingChange(aor: "sip:bad@gw", removals: ["zz"]), after: read.pending, done: record("onTop"))
        writer.submit(nil, after: read.pending, done: record("query"))
        writer.submit(BindingChange(aor: "sip:other@gw", upserts: [binding("sip:other@gw", "o")]), done: record("other"))
        store.gate.signal()
        let deadline = Date().addingTimeInterval(10)
        while outcomes.withLock({ $0.count }) < 5, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(outcomes.withLock { $0 } == ["first": true, "bad": false, "onTop": false, "query": false, "other": true])
        #expect(try store.allBindings(now: now).map(\.key).sorted() == ["f", "o"])
        // Nothing of the failed change remains in the overlay.
        #expect(try writer.read("sip:bad@gw", now: now).bindings.isEmpty)
        try await pool.shutdownGracefully()
    }
}
