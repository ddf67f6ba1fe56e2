import Foundation

/// A compiled number pattern: the ICU expression, and for the common shapes a byte matcher that
/// gives the same answer without Foundation on the per-call path.
///
/// The byte matcher covers patterns made of literals, `.`, `\d`, simple classes (`[0-9+]`,
/// `[^0]`), greedy quantifiers (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`) on those, and unquantified
/// capture groups, optionally between `^` and `$`; numbers of printable ASCII up to
/// ``maximumFastLength`` bytes. It backtracks in ICU's order and, like
/// `firstMatch(in:options: .anchored)`, takes the first match found, which must span the number.
/// Anything else (alternation, lazy quantifiers, quantified groups, other escapes, other input)
/// goes to `NSRegularExpression`.
public struct NumberPattern: @unchecked Sendable {
    /// The ICU expression (immutable once compiled, so shared across threads).
    public let expression: NSRegularExpression
    /// The byte matcher, when the pattern has a shape it covers.
    let program: NumberProgram?

    /// Named limit: longer numbers go to ICU (the byte matcher backtracks like ICU does).
    public static let maximumFastLength = 64

    /// Compiles `text` (throws what `NSRegularExpression` throws).
    public init(_ text: String) throws {
        expression = try NSRegularExpression(pattern: text)
        program = NumberProgram(compiling: text)
    }

    /// The number of capture groups.
    public var numberOfCaptureGroups: Int { expression.numberOfCaptureGroups }

    /// True when the byte matcher handles this pattern (for tests).
    public var hasFastMatcher: Bool { program != nil }

    /// The captures when `number` matches as a whole: `[whole, $1, $2, …]`; `nil` otherwise.
    public func match(_ number: String) -> [String]? {
        if let program, let result = program.match(number) { return result.captures }
        return icuMatch(number)
    }

    /// The answer of `NSRegularExpression` alone (for tests comparing the two).
    public func icuMatch(_ number: String) -> [String]? {
        let range = NSRange(number.startIndex..., in: number)
        guard let result = expression.firstMatch(in: number, options: [.anchored], range: range),
              result.range == range else { return nil }
        return (0..<result.numberOfRanges).map { index in
            guard let captured = Range(result.range(at: index), in: number) else { return "" }
            return String(number[captured])
        }
    }
}

/// The byte matcher's program: a sequence of steps over the number's bytes.
struct NumberProgram: Sendable {
    /// One byte class as a 128-bit membership set.
    struct ByteSet: Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        mutating func insert(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else if byte < 128 { high |= 1 << UInt64(byte - 64) }
        }

        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
        }

        /// The printable ASCII bytes (0x20...0x7E) not in the set.
        var inverted: ByteSet {
            var result = ByteSet()
            for byte in UInt8(0x20)...0x7E where !contains(byte) { result.insert(byte) }
            return result
        }
    }

    enum Step: Sendable {
        /// A byte class repeated `min...max` times (greedy).
        case repeated(ByteSet, min: Int, max: Int)
        case open(group: Int)
        case close(group: Int)
    }

    var steps: [Step]
    var groups: Int
    /// `$` ends the pattern: only a match ending at the end of the number counts.
    var anchoredEnd: Bool

    /// The result: whether the first match spans the number, and its captures.
    struct Result { var captures: [String]? }

    /// Runs the program. Nil when the input is not one the matcher answers for (ICU decides).
    func match(_ number: String) -> Result? {
        var number = number
        return number.withUTF8 { bytes -> Result? in
            guard bytes.count <= NumberPattern.maximumFastLength else { return nil }
            for byte in bytes where byte < 0x20 || byte > 0x7E { return nil }
            var starts = [Int](repeating: 0, count: groups + 1)
            var ends = [Int](repeating: 0, count: groups + 1)
            guard let end = run(step: 0, at: 0, bytes, &starts, &ends), end == bytes.count else {
                return Result(captures: nil)
            }
            var captures = [String(decoding: bytes, as: UTF8.self)]
            captures.reserveCapacity(groups + 1)
            for group in 1..<(groups + 1) {
                captures.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[starts[group]..<ends[group]]), as: UTF8.self))
            }
            return Result(captures: captures)
        }
    }

    /// Backtracking in ICU's order (greedy: most repetitions first); the end of the first match.
    private func run(step: Int, at position: Int, _ bytes: UnsafeBufferPointer<UInt8>,
                     _ starts: inout [Int], _ ends: inout [Int]) -> Int? {
        guard step < steps.count else {
            return !anchoredEnd || position == bytes.count ? position : nil
        }
        switch steps[step] {
        case .open(let group):
            starts[group] = position
            return run(step: step + 1, at: position, bytes, &starts, &ends)
        case .close(let group):
            ends[group] = position
            return run(step: step + 1, at: position, bytes, &starts, &ends)
        case .repeated(let set, let min, let max):
            var count = 0
            while count < max, position + count < bytes.count, set.contains(bytes[position + count]) { count += 1 }
            guard count >= min else { return nil }
            while true {
                if let end = run(step: step + 1, at: position + count, bytes, &starts, &ends) { return end }
                if count == min { return nil }
                count -= 1
            }
        }
    }
}
