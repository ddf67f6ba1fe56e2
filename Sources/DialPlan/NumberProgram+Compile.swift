/// Compiling the pattern shapes the byte matcher covers; nil for anything else (ICU decides).
extension NumberProgram {
    /// Named limit: patterns are edited by hand and short; longer ones go to ICU.
    static let maximumSteps = 64

    init?(compiling text: String) {
        let pattern = Array(text.utf8)
        guard pattern.count <= NumberMatch.maximumPatternLength,
              pattern.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else { return nil }
        var index = 0
        if pattern.first == UInt8(ascii: "^") { index = 1 }
        var end = pattern.count
        var anchoredEnd = false
        if end > index, pattern[end - 1] == UInt8(ascii: "$"), !Self.isEscaped(pattern, at: end - 1) {
            anchoredEnd = true
            end -= 1
        }
        var steps: [Step] = []
        var groups = 0
        var open: [Int] = []
        while index < end {
            let byte = pattern[index]
            switch byte {
            case UInt8(ascii: "("):
                // `(?…)` (flags, look-around, non-capturing) is ICU's.
                guard index + 1 < end, pattern[index + 1] != UInt8(ascii: "?") else { return nil }
                groups += 1
                open.append(groups)
                steps.append(.open(group: groups))
                index += 1
                continue
            case UInt8(ascii: ")"):
                guard let group = open.popLast() else { return nil }
                steps.append(.close(group: group))
                index += 1
                // A quantified group repeats its captures: ICU's.
                if index < end, Self.isQuantifier(pattern[index]) { return nil }
                continue
            default: break
            }
            guard let (set, next) = Self.atom(pattern, at: index, end: end) else { return nil }
            index = next
            var min = 1, max = 1
            if index < end, Self.isQuantifier(pattern[index]) {
                guard let (low, high, after) = Self.quantifier(pattern, at: index, end: end) else { return nil }
                (min, max, index) = (low, high, after)
                // Lazy `?` and possessive `+` suffixes are ICU's.
                if index < end, pattern[index] == UInt8(ascii: "?") || pattern[index] == UInt8(ascii: "+") { return nil }
            }
            steps.append(.repeated(set, min: min, max: max))
            guard steps.count <= Self.maximumSteps else { return nil }
        }
        guard open.isEmpty else { return nil }
        self.steps = steps
        self.groups = groups
        self.anchoredEnd = anchoredEnd
    }

    private static func isQuantifier(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "?") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "{")
    }

    /// True when the byte at `index` follows an odd number of backslashes.
    private static func isEscaped(_ pattern: [UInt8], at index: Int) -> Bool {
        var count = 0
        var position = index - 1
        while position >= 0, pattern[position] == UInt8(ascii: "\\") { count += 1; position -= 1 }
        return count % 2 == 1
    }

    /// Bytes ICU reads as themselves outside a class.
    private static func isLiteral(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ";")
            || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "%")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// One atom: a literal, `\d`, an escaped punctuation byte, `.`, or a simple class.
    private static func atom(_ pattern: [UInt8], at index: Int, end: Int) -> (ByteSet, Int)? {
        var set = ByteSet()
        let byte = pattern[index]
        switch byte {
        case UInt8(ascii: "."):
            return (ByteSet().inverted, index + 1)
        case UInt8(ascii: "\\"):
            guard index + 1 < end else { return nil }
            let escaped = pattern[index + 1]
            if escaped == UInt8(ascii: "d") {
                for digit in UInt8(ascii: "0")...UInt8(ascii: "9") { set.insert(digit) }
                return (set, index + 2)
            }
            // Escaped punctuation is the byte itself; escaped letters and digits are classes,
            // back-references or controls in ICU.
            guard !isAlphanumeric(escaped) else { return nil }
            set.insert(escaped)
            return (set, index + 2)
        case UInt8(ascii: "["):
            return bracket(pattern, at: index + 1, end: end)
        default:
            guard isLiteral(byte) else { return nil }
            set.insert(byte)
            return (set, index + 1)
        }
    }

    /// `[…]` of alphanumerics, `+ * # .` and ranges between alphanumerics, optionally negated.
    private static func bracket(_ pattern: [UInt8], at start: Int, end: Int) -> (ByteSet, Int)? {
        var set = ByteSet()
        var index = start
        var negated = false
        if index < end, pattern[index] == UInt8(ascii: "^") { negated = true; index += 1 }
        let first = index
        while index < end, pattern[index] != UInt8(ascii: "]") {
            let byte = pattern[index]
            if isAlphanumeric(byte), index + 2 < end, pattern[index + 1] == UInt8(ascii: "-"),
               isAlphanumeric(pattern[index + 2]) {
                let high = pattern[index + 2]
                // Ranges within one kind (digits, lower, upper) only; ICU refuses reversed ones.
                guard byte <= high, kind(byte) == kind(high) else { return nil }
                for member in byte...high { set.insert(member) }
                index += 3
                continue
            }
            guard isAlphanumeric(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "*")
                || byte == UInt8(ascii: "#") || byte == UInt8(ascii: ".") else { return nil }
            set.insert(byte)
            index += 1
        }
        guard index < end, index > first else { return nil }
        return (negated ? set.inverted : set, index + 1)
    }

    private static func kind(_ byte: UInt8) -> Int {
        byte <= UInt8(ascii: "9") ? 0 : byte <= UInt8(ascii: "Z") ? 1 : 2
    }

    /// `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (n, m ≤ 255): the bounds and the index after.
    private static func quantifier(_ pattern: [UInt8], at index: Int, end: Int) -> (Int, Int, Int)? {
        switch pattern[index] {
        case UInt8(ascii: "?"): return (0, 1, index + 1)
        case UInt8(ascii: "*"): return (0, Int.max, index + 1)
        case UInt8(ascii: "+"): return (1, Int.max, index + 1)
        default: break
        }
        var position = index + 1
        func number() -> Int? {
            let start = position
            var value = 0
            while position < end, pattern[position] >= UInt8(ascii: "0"), pattern[position] <= UInt8(ascii: "9"),
                  position - start < 3 {
                value = value * 10 + Int(pattern[position] - UInt8(ascii: "0"))
                position += 1
            }
            return position > start && value <= 255 ? value : nil
        }
        guard let low = number(), position < end else { return nil }
        if pattern[position] == UInt8(ascii: "}") { return (low, low, position + 1) }
        guard pattern[position] == UInt8(ascii: ","), position + 1 < end else { return nil }
        position += 1
        if pattern[position] == UInt8(ascii: "}") { return (low, Int.max, position + 1) }
        guard let high = number(), high >= low, position < end, pattern[position] == UInt8(ascii: "}") else { return nil }
        return (low, high, position + 1)
    }
}
