import Foundation

/// Days of the week and a time of day, in the plan's time zone: `{ days: mon-fri, time: 08:00-17:00 }`.
public struct TimeWindow: Sendable, Equatable {
    /// A day of the week as operators write it.
    public enum Day: String, Sendable, CaseIterable, Codable {
        case sun, mon, tue, wed, thu, fri, sat
        /// 1 = Sunday, as `Calendar` numbers weekdays.
        var weekday: Int {
            switch self {
            case .sun: 1
            case .mon: 2
            case .tue: 3
            case .wed: 4
            case .thu: 5
            case .fri: 6
            case .sat: 7
            }
        }
    }

    public var days: Set<Day>
    /// Minutes after midnight, start inclusive, end exclusive; end < start spans midnight.
    public var start: Int
    public var end: Int
    /// The text as written, for traces.
    public var text: String

    /// True when `date`, read in `zone`, falls in this window.
    public func contains(_ date: Date, in zone: TimeZone) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let weekday = parts.weekday ?? 1
        if start <= end {
            return days.contains { $0.weekday == weekday } && minute >= start && minute < end
        }
        // Spans midnight: the late part belongs to the listed day, the early part to the day after.
        if minute >= start { return days.contains { $0.weekday == weekday } }
        if minute < end { return days.contains { $0.weekday % 7 + 1 == weekday } }
        return false
    }

    /// Parses `mon-fri`, `sat,sun`, `mon`; `nil` on any unknown word.
    public static func parseDays(_ text: String) -> Set<Day>? {
        var days: Set<Day> = []
        for part in text.lowercased().split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let bounds = part.split(separator: "-").map(String.init)
            guard let first = bounds.first.flatMap(Day.init(rawValue:)) else { return nil }
            guard bounds.count == 2 else {
                if bounds.count != 1 { return nil }
                days.insert(first)
                continue
            }
            guard let last = Day(rawValue: bounds[1]) else { return nil }
            var index = first.weekday - 1
            while true {
                days.insert(Day.allCases[index])
                if Day.allCases[index] == last { break }
                index = (index + 1) % 7
            }
        }
        return days.isEmpty ? nil : days
    }

    /// Parses `08:00-17:00` into minutes; `24:00` is allowed as an end.
    public static func parseTimes(_ text: String) -> (Int, Int)? {
        let bounds = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard bounds.count == 2, let start = minutes(bounds[0]), let end = minutes(bounds[1]),
              start < 24 * 60, start != end else { return nil }
        return (start, end)
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return hour * 60 + minute
    }
}
