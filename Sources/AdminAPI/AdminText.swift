import Foundation

/// The human forms of the admin API's answers, as `gatehouse status`, `registrations`, `calls`
/// and `reload` print them: aligned columns, one row per item, a line when a list is empty.
public enum AdminText {
    /// Left-aligned columns separated by two spaces; the header row first.
    public static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// `gatehouse status`.
    public static func status(_ status: AdminStatus) -> String {
        var text = """
            gatehouse       \(status.version)\(status.draining ? " (draining)" : "")
            uptime          \(duration(status.uptimeSeconds))
            dial plan       version \(status.dialPlanVersion) (\(status.dialPlanPath))
            registrations   \(status.registrations)
            calls           \(status.callsInProgress) in progress
            bans            \(status.activeBans) active

            """
        if status.trunks.isEmpty {
            text += "trunks          none\n"
        } else {
            text += "\n" + table(["TRUNK", "REGISTERS", "STATE", "PROBE"],
                                 status.trunks.map { [$0.name, $0.registers ? "yes" : "no", $0.state, $0.probe ?? "-"] })
        }
        return text
    }

    /// `gatehouse registrations`.
    public static func registrations(_ list: [AdminRegistration]) -> String {
        guard !list.isEmpty else { return "no registrations\n" }
        return table(["AOR", "CONTACT", "TRANSPORT", "SOURCE", "EXPIRES", "USER AGENT"], list.map {
            [$0.aor, $0.contact, $0.transport, $0.source, "\($0.expiresIn)s", $0.userAgent ?? "-"]
        })
    }

    /// `gatehouse calls`.
    public static func calls(_ list: [AdminCall], now: Date = Date()) -> String {
        guard !list.isEmpty else { return "no calls in progress\n" }
        return table(["ID", "FROM", "TO", "STATE", "DURATION", "LEGS"], list.map {
            [$0.id, $0.from, $0.to, $0.state, duration(Int(now.timeIntervalSince($0.startedAt))), "\($0.legs.count)"]
        })
    }

    /// `gatehouse calls ID`: the call, its legs, then its timeline, one event per line with the
    /// time since the call started; multi-line details (an SDP) indented under their event.
    public static func call(_ call: AdminCall, now: Date = Date()) -> String {
        var text = calls([call], now: now).replacingOccurrences(of: "no calls in progress\n", with: "")
        text += "legs: " + call.legs.joined(separator: ", ") + "\n\ntimeline:\n"
        let width = call.timeline.map(\.kind.count).max() ?? 0
        for event in call.timeline {
            let seconds = event.offsetMilliseconds.map { Double($0) / 1000 } ?? event.time.timeIntervalSince(call.startedAt)
            let offset = String(format: "+%.3fs", max(0, seconds))
            let lines = event.detail.split(separator: "\n", omittingEmptySubsequences: false)
            let kind = event.kind.padding(toLength: width, withPad: " ", startingAt: 0)
            text += "  \(offset.padding(toLength: 10, withPad: " ", startingAt: 0)) \(kind)  \(lines.first ?? "")\n"
            for line in lines.dropFirst() where !line.isEmpty {
                text += String(repeating: " ", count: 14 + width) + "| \(line)\n"
            }
        }
        if call.timeline.isEmpty { text += "  (empty)\n" }
        return text
    }

    /// `gatehouse cdrs`.
    public static func callRecords(_ list: [AdminCallRecord]) -> String {
        guard !list.isEmpty else { return "no call records\n" }
        let formatter = ISO8601DateFormatter()
        return table(["STARTED", "CALLER", "CALLED", "OUTCOME", "STATUS", "BILLED", "ENDED BY", "CALL ID"], list.map {
            [formatter.string(from: $0.startedAt), $0.caller, $0.called, $0.outcome, $0.status.map { "\($0)" } ?? "-",
             duration(Int($0.billableSeconds.rounded())), $0.endedBy ?? "-", $0.callID]
        })
    }

    /// `gatehouse bans`.
    public static func bans(_ list: [AdminBan], now: Date = Date()) -> String {
        guard !list.isEmpty else { return "no bans\n" }
        let formatter = ISO8601DateFormatter()
        return table(["SOURCE", "REASON", "SINCE", "UNTIL", "LEFT"], list.map {
            [$0.source, $0.reason, formatter.string(from: $0.since), formatter.string(from: $0.until),
             duration(Int($0.until.timeIntervalSince(now).rounded(.up)))]
        })
    }

    /// `gatehouse reload`.
    public static func reload(_ result: AdminReloadResult) -> String {
        result.messages.map { $0 + "\n" }.joined()
    }

    /// `1h02m03s`, `4m05s`, `6s`.
    public static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        if s >= 3600 { return String(format: "%dh%02dm%02ds", s / 3600, s % 3600 / 60, s % 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
