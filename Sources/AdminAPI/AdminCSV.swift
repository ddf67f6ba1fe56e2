import Foundation

/// Call records as CSV (`GET /cdrs?format=csv`, `gatehouse cdrs --csv`): RFC 4180, a header
/// row, CRLF line ends, times in ISO 8601 UTC.
public enum AdminCSV {
    /// The header row's columns.
    public static let columns = [
        "id", "call_id", "caller", "called", "route", "outcome", "started", "answered", "ended", "ended_by",
        "status", "q850_cause", "billable_seconds", "caller_codec", "callee_codec", "legs",
    ]

    /// The records with a header row.
    public static func callRecords(_ records: [AdminCallRecord]) -> String {
        let formatter = ISO8601DateFormatter()
        func time(_ date: Date?) -> String { date.map { formatter.string(from: $0) } ?? "" }
        let rows = records.map { record in
            [
                "\(record.id)", record.callID, record.caller, record.called, record.route ?? "", record.outcome,
                time(record.startedAt), time(record.answeredAt), time(record.endedAt), record.endedBy ?? "",
                record.status.map { "\($0)" } ?? "", record.q850Cause.map { "\($0)" } ?? "",
                String(format: "%.3f", record.billableSeconds), record.callerCodec ?? "", record.calleeCodec ?? "",
                record.legs.map { "\($0.target):\($0.outcome)" }.joined(separator: " "),
            ]
        }
        return ([columns] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// RFC 4180 §2: a field holding a comma, a quote or a line break is quoted, quotes doubled.
    /// A field starting with `=`, `+`, `-` or `@` gets a leading `'` so a spreadsheet never runs
    /// it as a formula (a caller name comes from the peer).
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
