/// A condition on the dialled number: exact, prefix, or a regular expression with captures.
public enum NumberMatch: Sendable {
    case exact(String)
    case prefix(String)
    /// The operator's text, and the compiled pattern (anchored to the whole number).
    case pattern(String, NumberPattern)

    /// Named limit: patterns longer than this are refused (they are edited by hand).
    public static let maximumPatternLength = 256

    /// Compiles `^…$` text; returns the ICU error text on failure.
    public static func compile(_ text: String) -> Result<NumberMatch, PatternError> {
        guard text.count <= maximumPatternLength else { return .failure(PatternError(reason: "longer than \(maximumPatternLength) characters")) }
        do {
            return .success(.pattern(text, try NumberPattern(text)))
        } catch {
            return .failure(PatternError(reason: "it is not a valid regular expression"))
        }
    }

    /// Why a pattern was refused.
    public struct PatternError: Error, Sendable { public var reason: String }

    /// The captures when `number` matches: `[whole, $1, $2, …]`; `nil` when it does not.
    public func match(_ number: String) -> [String]? {
        switch self {
        case .exact(let value): return value == number ? [number] : nil
        case .prefix(let value): return number.hasPrefix(value) ? [number, String(number.dropFirst(value.count))] : nil
        case .pattern(_, let pattern): return pattern.match(number)
        }
    }

    /// The literal characters a pattern starts with, up to the first special one: `^07[0-9]` → `07`.
    static func literalHead(of pattern: String) -> String {
        // Alternation anywhere could start with anything.
        guard pattern.hasPrefix("^"), !pattern.contains("|") else { return "" }
        var head = ""
        var characters = pattern.dropFirst().makeIterator()
        while let character = characters.next() {
            if character.isASCII && character.isNumber || character == "#" { head.append(character); continue }
            if character == "\\", let next = characters.next(), "+*#".contains(next) { head.append(next); continue }
            // A quantifier (`^07?`, `^07*`, `^07{0,1}`) makes the last literal optional.
            if "?*{".contains(character) { head = String(head.dropLast()) }
            break
        }
        return head
    }

    /// How the match reads in traces: `101`, `prefix 00`, `pattern ^0[1-9]…$`.
    public var summary: String {
        switch self {
        case .exact(let value): "\"\(value)\""
        case .prefix(let value): "prefix \"\(value)\""
        case .pattern(let text, _): "pattern \(text)"
        }
    }

    /// True when every number this condition matches is also matched by `other` (conservative:
    /// false when it cannot tell), for shadowed-route detection.
    public func isCovered(by other: NumberMatch) -> Bool {
        switch (self, other) {
        case let (.exact(mine), _): return other.match(mine) != nil
        case let (.prefix(mine), .prefix(theirs)): return mine.hasPrefix(theirs)
        case let (.pattern(mine, _), .pattern(theirs, _)): return mine == theirs
        case let (.pattern(mine, _), .prefix(theirs)):
            // `^07[0-9]{8}$` only matches numbers starting with its literal head `07`.
            let head = Self.literalHead(of: mine)
            return !theirs.isEmpty && head.hasPrefix(theirs)
        default: return false
        }
    }
}

/// Fills `$0`…`$9` in a number template from captures; `$$` is a literal dollar.
public func expandNumberTemplate(_ template: String, captures: [String]) -> String {
    var output = ""
    var iterator = template.makeIterator()
    while let character = iterator.next() {
        guard character == "$" else { output.append(character); continue }
        guard let next = iterator.next() else { output.append("$"); break }
        if let digit = next.wholeNumberValue, next.isASCII {
            output += digit < captures.count ? captures[digit] : ""
        } else {
            output.append(next == "$" ? "$" : "$\(next)")
        }
    }
    return output
}

/// The highest `$n` a template uses, for checking it against the pattern's capture count.
public func highestTemplateCapture(_ template: String) -> Int {
    var highest = -1
    var previousWasDollar = false
    for character in template {
        if previousWasDollar, let digit = character.wholeNumberValue, character.isASCII { highest = max(highest, digit) }
        previousWasDollar = character == "$" && !previousWasDollar
    }
    return highest
}
