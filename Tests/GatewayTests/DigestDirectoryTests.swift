import DialPlan
import Foundation
import Testing
@testable import Gateway

/// The per-version digest-user index gives what the scan over every endpoint gives.
@Suite struct DigestDirectoryTests {
    @Test func indexAgreesWithTheScanAndFollowsReloads() throws {
        setenv("GATEHOUSE_UNIT_DIRECTORY_PASSWORD", "dir-secret", 1)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("directory-\(UUID().uuidString).yaml").path
        func write(_ extra: String) throws {
            try """
                endpoints:
                  alice:
                    class: softphone
                    number: "101"
                    auth: { user: alice, password_env: GATEHOUSE_UNIT_DIRECTORY_PASSWORD }
                  bob:
                    class: phone
                    number: "102"
                    auth: { user: bob-digest, ha1: 0123456789abcdef0123456789abcdef, realm: unit }
                \(extra)
                routes:
                  - name: internal
                    to: "101"
                    try:
                      - ring: alice
                """.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write("")
        let store = try DialPlanStore(path: path)
        let directory = DigestDirectory()
        let plan = store.current.plan
        for user in ["alice", "bob-digest", "bob", "mallory"] {
            for realm in ["unit", "other"] {
                #expect(RegistrarService.secret(of: directory.endpoint(digestUser: user, in: store.current), realm: realm)
                        == RegistrarService.secret(of: user, in: plan, realm: realm))
            }
        }
        for aor in ["sip:101@gw", "sip:alice@gw", "sip:102@gw", "sip:bob@gw", "sip:bob-digest@gw"] {
            for user in ["alice", "bob-digest"] {
                #expect(RegistrarService.owns(aor: aor, username: user, endpoint: directory.endpoint(digestUser: user, in: store.current))
                        == RegistrarService.owns(aor: aor, username: user, plan: plan))
            }
        }
        #expect(directory.endpoint(digestUser: "carol", in: store.current) == nil)
        try write("""
              carol:
                class: phone
                auth: { user: carol, password_env: GATEHOUSE_UNIT_DIRECTORY_PASSWORD }
            """)
        guard case .applied = store.reload() else { Issue.record("reload not applied"); return }
        #expect(directory.endpoint(digestUser: "carol", in: store.current)?.name == "carol")
    }
}
