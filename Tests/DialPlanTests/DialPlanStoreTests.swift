import Foundation
import Synchronization
import Testing
@testable import DialPlan

/// Reload against a real file in a temporary directory.
@Suite struct DialPlanStoreTests {
    static let base = """
        endpoints:
          alice: { class: softphone, auth: { user: alice, password_env: A } }
          bob: { class: softphone, auth: { user: bob, password_env: B } }
        routes:
          - name: alice
            to: "101"
            try: [{ ring: alice, timeout: 20s }]
          - name: bob
            to: "102"
            try: [{ ring: bob }]
        """

    let directory: URL
    let path: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dialplan-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("plan.yaml").path
        try write(Self.base)
    }

    func write(_ text: String) throws {
        // Write-and-rename, as editors and config management do.
        let temporary = directory.appendingPathComponent("plan.yaml.tmp")
        try text.write(to: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary.path, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func call(_ number: String) -> CallRequest {
        CallRequest(caller: .unknown, calledNumber: number, time: Date())
    }

    @Test func validEditsApplyWithAChangeSummary() throws {
        let store = try DialPlanStore(path: path)
        #expect(store.current.number == 1)
        let inProgress = store.current
        try write(Self.base.replacingOccurrences(of: "timeout: 20s", with: "timeout: 25s")
            .replacingOccurrences(of: "  - name: bob\n    to: \"102\"\n    try: [{ ring: bob }]", with: "")
            + "\n  - name: night\n    to: \"103\"\n    reject: 480\n")
        guard case .applied(let version) = store.reload() else { Issue.record("expected the edit to apply"); return }
        #expect(version.number == 2)
        #expect(version.changes == DialPlanChanges(added: ["route:night"], removed: ["route:bob"], modified: ["route:alice"]))
        #expect(version.changes.summary == "routes added \"night\", removed \"bob\", modified \"alice\"")
        #expect(store.current.plan.route(call("101")).attempts.first?.timeout == .seconds(25))
        // A call that started before the reload keeps its version.
        #expect(inProgress.plan.route(call("101")).attempts.first?.timeout == .seconds(20))
        #expect(inProgress.plan.route(call("102")).attempts.count == 1)
        #expect(store.history.map(\.number) == [1, 2])
    }

    @Test func invalidEditsAreRejectedAndTheRunningPlanStays() throws {
        let store = try DialPlanStore(path: path)
        try write(Self.base.replacingOccurrences(of: "ring: bob", with: "ring: bobb")
            .replacingOccurrences(of: "timeout: 20s", with: "timeout: soon"))
        let outcome = store.reload()
        guard case .rejected(let errors, let running) = outcome else { Issue.record("expected a rejection"); return }
        #expect(errors.map(\.line) == [7, 10])
        #expect(running.number == 1)
        #expect(store.current.number == 1)
        #expect(outcome.logLines.last == "dial plan not applied (2 errors); version 1 stays in use")
        #expect(store.current.plan.route(call("102")).attempts.first?.legs.first?.target == "bob")
    }

    @Test func anUnchangedFileIsNotANewVersion() throws {
        let store = try DialPlanStore(path: path)
        guard case .unchanged(let version) = store.reload() else { Issue.record("expected unchanged"); return }
        #expect(version.number == 1)
        // Reordering routes changes no route's content, only the order.
        try write(Self.base + "\n# a comment\n")
        guard case .applied(let next) = store.reload() else { Issue.record("expected applied"); return }
        #expect(next.changes.isEmpty)
        #expect(next.changes.summary == "no route, endpoint, trunk, group or policy changed")
    }

    @Test func anInvalidFirstPlanIsRefused() throws {
        try write("routes: [{ name: x }]\n")
        #expect(throws: (any Error).self) { _ = try DialPlanStore(path: path) }
    }

    @Test func theWatcherReloadsWhenTheFileChanges() async throws {
        let store = try DialPlanStore(path: path)
        let watcher = DialPlanWatcher(store: store, interval: .milliseconds(20))
        let reports = Mutex<[String]>([])
        let task = Task { await watcher.run { outcome in reports.withLock { $0.append(outcome.logLines.joined()) } } }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(60))
        try write(Self.base.replacingOccurrences(of: "timeout: 20s", with: "timeout: 15s"))
        // Bounded wait: the test fails instead of hanging when no reload comes.
        for _ in 0..<250 where store.current.number == 1 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.current.number == 2)
        #expect(reports.withLock { $0 } == ["dial plan version 2 applied: routes modified \"alice\""])
    }

    @Test func sighupTriggersTheHandler() async throws {
        let received = Atomic<Int>(0)
        let hook = DialPlanWatcher.onHangup { received.add(1, ordering: .relaxed) }
        defer { hook.cancel() }
        // The dispatch source registers asynchronously: a signal sent before that is ignored, so
        // send until one arrives (bounded).
        for _ in 0..<100 where received.load(ordering: .relaxed) == 0 {
            kill(getpid(), SIGHUP)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(received.load(ordering: .relaxed) > 0)
    }
}
