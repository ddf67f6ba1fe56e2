/// Writes a large, valid dial plan: `endpoints` endpoints (doors, softphones, desk phones, PBXs),
/// groups of ten, ten trunks and `routes` routes of every kind (door failover, DIDs, extensions,
/// patterns, prefixes, a catch-all).
struct PlanGenerator {
    var endpoints: Int
    var routes: Int

    var doors: Int { max(1, endpoints / 20) }
    var groups: Int { max(1, endpoints / 100) }

    func yaml() -> String {
        var lines = ["timezone: Europe/Stockholm", "policy: { country: \"46\" }", "endpoints:"]
        for index in 0..<endpoints {
            if index < doors {
                let address = "10.\(index / 65536 % 256).\(index / 256 % 256).\(index % 256)"
                lines.append("  door-\(index): { class: door, number: \"\(20000 + index)\", auth: { source: \(address) }, "
                             + "dtmf: { mode: info, min_duration: 250ms, gap: 400ms } }")
            } else {
                let kind = ["softphone", "phone", "phone", "softphone"][index % 4]
                lines.append("  ep-\(index): { class: \(kind), number: \"\(30000 + index)\", "
                             + "auth: { user: ep-\(index), password_env: EP_PASSWORD }, srtp: offer }")
            }
        }
        lines.append("groups:")
        for group in 0..<groups {
            let members = (0..<10).map { "ep-\(doors + (group * 10 + $0) % (endpoints - doors))" }
            lines.append("  group-\(group): { members: [\(members.joined(separator: ", "))], strategy: parallel }")
        }
        lines.append("trunks:")
        for trunk in 0..<10 {
            lines.append("  trunk-\(trunk): { server: sip\(trunk).carrier.example, transport: tls, "
                         + "register: { user: \"+46800000\(trunk)\", password_env: TRUNK_PASSWORD }, codecs: [PCMA, PCMU] }")
        }
        lines.append("routes:")
        var count = 0
        func route(_ text: String) {
            guard count < routes - 1 else { return }
            lines.append(text)
            count += 1
        }
        // Door failover: ring a group, then the resident's mobile through a trunk.
        for door in 0..<doors {
            route("""
                  - name: door \(door)
                    from: door-\(door)
                    to: "\(door % 100 + 100)"
                    try:
                      - { ring: group-\(door % groups), timeout: 20s, next_on: [offline, no_answer, busy, 5xx] }
                      - { trunk: trunk-\(door % 10), number: "+4670\(String(1_000_000 + door).suffix(7))", diversion: "+468000000" }
                    on_dtmf_from_callee: { "1": open_door }
                """)
        }
        // Inbound DIDs.
        for did in 0..<(routes / 2) {
            route("""
                  - name: did \(did)
                    from_trunk: trunk-\(did % 10)
                    to: "+468123\(String(10_000 + did).suffix(4))"
                    try:
                      - { ring: group-\(did % groups), timeout: 30s }
                """)
        }
        // Outbound patterns per class and area.
        for area in 1...9 {
            route("""
                  - name: area \(area)
                    from_class: [softphone, phone]
                    to: "^0\(area)([0-9]{6,10})$"
                    try:
                      - { trunk: trunk-\(area), number: "+46\(area)$1", next_on: [5xx, transport, trunk_down] }
                      - { trunk: trunk-0, number: "+46\(area)$1" }
                """)
        }
        // Extension-to-extension until the route budget is spent.
        var extensionNumber = 0
        while count < routes - 1 {
            let target = doors + extensionNumber % (endpoints - doors)
            route("""
                  - name: extension \(extensionNumber)
                    from_class: [softphone, phone]
                    to: "\(30000 + target)"
                    try:
                      - { ring: ep-\(target), timeout: 25s }
                """)
            extensionNumber += 1
        }
        lines.append("  - name: nothing else\n    reject: 404")
        return lines.joined(separator: "\n") + "\n"
    }
}
