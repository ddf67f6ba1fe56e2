import Foundation
import NIOPosix
import Registrar
import Synchronization
import Testing
@testable import Gateway

/// Group commit: changes queued while a commit runs go in the next one, every completion runs
/// after its commit, and reads see the changes not yet committed.
@Suite struct BindingWriterTests {
    /// An SQLite store whose first batch waits until the test opens the gate, so later changes
    /// queue up behind it.
    final class GatedStore: BindingStore {
        let base: SQLiteBindingStore
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let batches = Mutex<[Int]>([])

        init(directory: String) throws { base = try SQLiteBindingStore(dataDirectory: directory) }

        func bindings(for aor: String, now: Int64) throws -> [Binding] { try base.bindings(for: aor, now: now) }
        func apply(_ change: BindingChange) throws { try apply(batch: [change]) }
        func apply(batch changes: [BindingChange]) throws {
            let first = batches.withLock { batches in
                batches.append(changes.count)
                return batches.count == 1
            }
            if first {
                started.signal()
                gate.wait()
            }
            try base.apply(batch: changes)
        }
        func removeExpired(now: Int64) throws -> Int { try base.removeExpired(now: now) }
        func allBindings(now: Int64) throws -> [Binding] { try base.allBindings(now: now) }
    }

    static func binding(_ user: String, key: String = "k", expiresAt: Int64) -> Binding {
        Binding(aor: "sip:\(user)@gw", key: key, contact: "sip:\(user)@192.0.2.1:5060", q: nil, expiresAt: expiresAt,
                callID: "c-\(user)", cseq: 1, source: BindingSource(transport: "UDP", address: "192.0.2.1", port: 5060),
                updatedAt: 0)
    }

    @Test func changesArrivingDuringACommitShareTheNextOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try GatedStore(directory: directory)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let writer = BindingWriter(store: store, pool: pool)
        let now = Int64(Date().timeIntervalSince1970)
        let committed = Mutex<[String]>([])

        writer.submit(BindingChange(aor: "sip:u0@gw", upserts: [Self.binding("u0", expiresAt: now + 600)])) { ok in
            committed.withLock { $0.append(ok ? "u0" : "failed") }
        }
        store.started.wait()
        for index in 1...10 {
            writer.submit(BindingChange(aor: "sip:u\(index)@gw", upserts: [Self.binding("u\(index)", expiresAt: now + 600)])) { ok in
                committed.withLock { $0.append(ok ? "u\(index)" : "failed") }
            }
        }
        // Not committed yet, but a REGISTER of the same AOR already sees it (and a later removal).
        #expect(try store.bindings(for: "sip:u3@gw", now: now).isEmpty)
        #expect(try writer.bindings(for: "sip:u3@gw", now: now).map(\.key) == ["k"])
        writer.submit(BindingChange(aor: "sip:u3@gw", removals: ["k"])) { ok in committed.withLock { $0.append(ok ? "u3-" : "failed") } }
        #expect(try writer.bindings(for: "sip:u3@gw", now: now).isEmpty)
        #expect(committed.withLock { $0 }.isEmpty, "nothing is confirmed before its commit")

        store.gate.signal()
        let deadline = Date().addingTimeInterval(10)
        while committed.withLock({ $0.count }) < 12, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(committed.withLock { $0 } == ["u0"] + (1...10).map { "u\($0)" } + ["u3-"])
        #expect(store.batches.withLock { $0 } == [1, 11], "one commit for the eleven changes queued behind the first")
        #expect(writer.counts == (batches: 2, changes: 12))
        #expect(try store.allBindings(now: now).count == 10)
        #expect(try writer.bindings(for: "sip:u7@gw", now: now).count == 1)
        try await pool.shutdownGracefully()
    }
}
