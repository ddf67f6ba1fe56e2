import AdminAPI
import Foundation
import Testing

/// The CLI's tables, as golden text.
@Suite struct AdminTextTests {
    @Test func statusWithTrunks() {
        let status = AdminStatus(version: "0.1.0", uptimeSeconds: 3725, registrations: 2,
                                 trunks: [AdminTrunk(name: "carrier", registers: true, state: "registered", probe: "up"),
                                          AdminTrunk(name: "backup", registers: false, state: "unknown")],
                                 callsInProgress: 1, dialPlanVersion: 4, dialPlanPath: "plan.yaml", draining: true, activeBans: 2)
        #expect(AdminText.status(status) == """
            gatehouse       0.1.0 (draining)
            uptime          1h02m05s
            dial plan       version 4 (plan.yaml)
            registrations   2
            calls           1 in progress
            bans            2 active

            TRUNK    REGISTERS  STATE       PROBE
            carrier  yes        registered  up
            backup   no         unknown     -

            """)
    }

    @Test func registrationsAndCalls() {
        let registration = AdminRegistration(aor: "sip:alice@gw", contact: "<sip:alice@192.0.2.10:5062>", transport: "udp",
                                             source: "192.0.2.10:5062", expiresIn: 299, userAgent: nil)
        #expect(AdminText.registrations([registration]) == """
            AOR           CONTACT                      TRANSPORT  SOURCE           EXPIRES  USER AGENT
            sip:alice@gw  <sip:alice@192.0.2.10:5062>  udp        192.0.2.10:5062  299s     -

            """)
        #expect(AdminText.registrations([]) == "no registrations\n")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let call = AdminCall(id: "abc@host", from: "front-door", to: "101", state: "answered", startedAt: start, legs: ["abc@host", "b"])
        #expect(AdminText.calls([call], now: start.addingTimeInterval(65)) == """
            ID        FROM        TO   STATE     DURATION  LEGS
            abc@host  front-door  101  answered  1m05s     2

            """)
        #expect(AdminText.calls([]) == "no calls in progress\n")
    }
}
