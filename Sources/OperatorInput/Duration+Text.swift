/// Parses `250ms`, `20s`, `2m`, `1h` (whole numbers with a unit). A bare number is refused: the
/// operator must say which unit they mean.
public func parseDuration(_ text: String) -> Duration? {
    let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
    for (suffix, millisecondsPerUnit) in units where text.hasSuffix(suffix) {
        let digits = text.dropLast(suffix.count)
        // `ms` ends in `s` too: refuse "250m" + "s" being read as seconds of "250m".
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let value = Int64(digits), value <= 10_000_000 else { continue }
        return .milliseconds(value * millisecondsPerUnit)
    }
    return nil
}

/// The shortest exact text for a duration: `250ms`, `20s`, `2m`, `1h`.
public func formatDuration(_ duration: Duration) -> String {
    let ms = milliseconds(duration)
    if ms != 0, ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
    if ms != 0, ms % 60_000 == 0 { return "\(ms / 60_000)m" }
    if ms % 1000 == 0 { return "\(ms / 1000)s" }
    return "\(ms)ms"
}

/// Whole milliseconds in `duration`, rounded down.
public func milliseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    return seconds * 1000 + attoseconds / 1_000_000_000_000_000
}
